package shell

import (
	"errors"
	"io/fs"
	"slices"
	"testing"
)

func TestFileCommands(t *testing.T) {
	mk := func() Context {
		c := baseCtx()
		m := c.FS.(*MemFS)
		_ = m.WriteFile("/etc/motd", []byte("welcome\nline2\n"))
		_ = m.MkdirAll("/srv/app")
		_ = m.WriteFile("/srv/app/a.txt", []byte("A"))
		_ = m.WriteFile("/srv/app/.hidden", nil)
		return c
	}
	runCases(t, []scriptCase{
		{name: "cat", script: `cat /etc/motd`, stdout: "welcome\nline2\n"},
		{name: "cat missing", script: `cat /nope`, exit: 1, stderr: "cat: can't open '/nope': No such file or directory\n"},
		{name: "cat dir", script: `cat /etc`, exit: 1, stderr: "cat: read error: Is a directory\n"},
		{name: "cat stdin", script: `echo piped | cat`, stdout: "piped\n"},
		{name: "redirect truncate", script: `echo one > /tmp/f; echo two > /tmp/f; cat /tmp/f`, stdout: "two\n"},
		{name: "redirect append", script: `echo one > /tmp/f; echo two >> /tmp/f; cat /tmp/f`, stdout: "one\ntwo\n"},
		{name: "redirect relative", script: `cd /tmp; echo rel > r; cat /tmp/r`, stdout: "rel\n"},
		{name: "redirect stderr", script: `cat /nope 2> /tmp/err; cat /tmp/err`, stdout: "cat: can't open '/nope': No such file or directory\n", exit: 0},
		{name: "2>&1 to file", script: `sh -c 'echo out; echo err >&2' > /tmp/both 2>&1; cat /tmp/both`, stdout: "out\nerr\n"},
		{name: "2>&1 order matters", script: `sh -c 'echo err >&2' 2>&1 > /tmp/o; cat /tmp/o`, stderr: "", stdout: "err\n"},
		{name: "&> both", script: `sh -c 'echo o; echo e >&2' &> /tmp/b; cat /tmp/b`, stdout: "o\ne\n"},
		{name: "dev null", script: `echo gone > /dev/null; cat /nope 2>/dev/null; echo $?`, stdout: "1\n"},
		{name: "input redirect", script: `grep line < /etc/motd`, stdout: "line2\n"},
		{name: "redirect into missing dir", script: `echo x > /nope/f`, exit: 1, stderr: "sh: can't create /nope/f: nonexistent directory\n"},
		{name: "redirect only", script: `> /tmp/empty; [ -f /tmp/empty ] && echo made`, stdout: "made\n"},
		{name: "ls dir", script: `ls /srv/app`, stdout: "a.txt\n"},
		{name: "ls -a", script: `ls -a /srv/app`, stdout: ".\n..\n.hidden\na.txt\n"},
		{name: "ls -l", script: `ls -l /srv/app/a.txt`, stdout: "-rw-r--r--    1 root     root             1 Jan  1 00:00 /srv/app/a.txt\n"},
		{name: "ls missing", script: `ls /nope`, exit: 1, stderr: "ls: /nope: No such file or directory\n"},
		{name: "ls cwd", script: `cd /srv && ls`, stdout: "app\n"},
		{name: "mkdir -p", script: `mkdir -p /a/b/c && ls /a/b`, stdout: "c\n"},
		{name: "mkdir -p existing", script: `mkdir -p /srv/app`},
		{name: "mkdir existing", script: `mkdir /srv/app`, exit: 1, stderr: "mkdir: can't create directory '/srv/app': File exists\n"},
		{name: "mkdir no parent", script: `mkdir /x/y`, exit: 1, stderr: "mkdir: can't create directory '/x/y': No such file or directory\n"},
		{name: "touch", script: `touch /tmp/t && [ -f /tmp/t ] && [ ! -s /tmp/t ] && echo empty`, stdout: "empty\n"},
		{name: "touch keeps content", script: `touch /etc/motd; head -n 1 /etc/motd`, stdout: "welcome\n"},
		{name: "touch no parent", script: `touch /x/y`, exit: 1, stderr: "touch: /x/y: No such file or directory\n"},
		{name: "rm", script: `rm /etc/motd && [ ! -e /etc/motd ] && echo gone`, stdout: "gone\n"},
		{name: "rm missing", script: `rm /nope`, exit: 1, stderr: "rm: can't remove '/nope': No such file or directory\n"},
		{name: "rm -f missing", script: `rm -f /nope`},
		{name: "rm dir", script: `rm /srv`, exit: 1, stderr: "rm: '/srv' is a directory\n"},
		{name: "rm -rf", script: `rm -rf /srv && ls /srv`, exit: 1, stderr: "ls: /srv: No such file or directory\n"},
		{name: "cp", script: `cp /etc/motd /tmp/ && head -n 1 /tmp/motd`, stdout: "welcome\n"},
		{name: "cp -r", script: `cp -r /srv/app /tmp/app && ls /tmp/app`, stdout: "a.txt\n"},
		{name: "mv", script: `mv /etc/motd /tmp/m && [ ! -e /etc/motd ] && wc -l /tmp/m`, stdout: "2\n"},
		{name: "test -f -d", script: `[ -f /etc/motd ] && [ -d /etc ] && [ ! -d /etc/motd ] && echo ok`, stdout: "ok\n"},
		{name: "test strings", script: `[ "a" = "a" ] && [ "a" != "b" ] && [ -z "" ] && [ -n x ] && test abc && echo ok`, stdout: "ok\n"},
		{name: "test ints", script: `[ 3 -gt 2 ] && [ 2 -le 2 ] && [ 1 -ne 2 ] && echo ok`, stdout: "ok\n"},
		{name: "test -a -o", script: `[ -e /etc -a -e /nope ] || [ -e /nope -o -e /etc ] && echo ok`, stdout: "ok\n"},
		{name: "test false", script: `test -e /nope`, exit: 1},
		{name: "test bad int", script: `[ a -eq 1 ]`, exit: 2, stderr: "sh: test: a: integer expected\n"},
		{name: "[ missing ]", script: `[ -e /etc`, exit: 2, stderr: "sh: [: missing ]\n"},
		{name: "grep -c -v -i", script: `grep -c -i WELCOME /etc/motd; grep -v welcome /etc/motd`, stdout: "1\nline2\n"},
		{name: "grep missing file", script: `grep x /nope`, exit: 2, stderr: "grep: /nope: No such file or directory\n"},
		{name: "basename dirname", script: `basename /a/b.txt .txt; dirname /a/b.txt`, stdout: "b\n/a\n"},
	}, mk)
}

func TestMemFS(t *testing.T) {
	m := NewMemFS("/a/b")
	if err := m.WriteFile("/a/b/f", []byte("x")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"write without parent", m.WriteFile("/z/f", nil), fs.ErrNotExist},
		{"append without parent", m.Append("/z/f", nil), fs.ErrNotExist},
		{"write over dir", m.WriteFile("/a/b", nil), fs.ErrInvalid},
		{"mkdir through file", m.MkdirAll("/a/b/f/g"), fs.ErrExist},
		{"remove non-empty dir", m.Remove("/a"), fs.ErrExist},
		{"remove missing", m.Remove("/nope"), fs.ErrNotExist},
		{"remove root", m.Remove("/"), fs.ErrInvalid},
		{"readdir file", func() error { _, err := m.ReadDir("/a/b/f"); return err }(), fs.ErrInvalid},
		{"read dir", func() error { _, err := m.ReadFile("/a"); return err }(), fs.ErrInvalid},
		{"stat missing", func() error { _, err := m.Stat("/q"); return err }(), fs.ErrNotExist},
	} {
		var pe *fs.PathError
		if !errors.Is(tc.err, tc.want) || !errors.As(tc.err, &pe) {
			t.Errorf("%s: err = %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	if got, want := m.Paths(), []string{"/a/", "/a/b/", "/a/b/f"}; !slices.Equal(got, want) {
		t.Errorf("Paths = %v, want %v (failed operations must change nothing)", got, want)
	}
	b, _ := m.ReadFile("/a/b/f")
	b[0] = 'y'
	if b2, _ := m.ReadFile("/a/b/f"); string(b2) != "x" {
		t.Error("ReadFile returned the stored slice")
	}
	if err := m.Append("/a/b/f", []byte("z")); err != nil {
		t.Fatal(err)
	}
	if st, _ := m.Stat("/a/b/f"); st.Size != 2 || st.IsDir || st.Name != "f" {
		t.Errorf("Stat = %+v", st)
	}
	if err := m.Remove("/a/b/f"); err != nil {
		t.Fatal(err)
	}
	if err := m.Remove("/a/b"); err != nil {
		t.Fatal(err)
	}
	if ents, _ := m.ReadDir("/a"); len(ents) != 0 {
		t.Errorf("ReadDir = %v", ents)
	}
}

func TestMemFSConcurrent(t *testing.T) {
	m := NewMemFS("/d")
	done := make(chan struct{})
	for i := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for j := range 100 {
				p := "/d/f" + string(rune('a'+i))
				_ = m.Append(p, []byte{byte(j)})
				_, _ = m.ReadDir("/d")
			}
		}()
	}
	for range 4 {
		<-done
	}
	for i := range 4 {
		if st, err := m.Stat("/d/f" + string(rune('a'+i))); err != nil || st.Size != 100 {
			t.Errorf("file %d: %+v %v", i, st, err)
		}
	}
}
