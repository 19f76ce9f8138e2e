package registry

import (
	"strings"
)

// The files of catalog images (rootfs.go): distributions at the root of the
// base chains, then per repository overlays. Contents are trimmed copies of
// the real images' files.

// tools are the programs of the interpreter (emulator/shell) a distribution
// ships, by directory.
var (
	busyboxBin = []string{"ash", "basename", "busybox", "cat", "cp", "date", "dirname", "echo", "env", "false",
		"grep", "head", "hostname", "id", "ip", "ls", "mkdir", "mv", "nc", "nslookup", "ping", "printenv",
		"printf", "pwd", "rm", "sh", "sleep", "tail", "top", "touch", "true", "wc", "wget", "whoami"}
	alpineBin    = []string{"ash", "busybox", "cat", "cp", "date", "echo", "false", "grep", "hostname", "ls", "mkdir", "mv", "ping", "pwd", "rm", "sh", "sleep", "touch", "true"}
	alpineUsrBin = []string{"basename", "dirname", "env", "getent", "head", "id", "nc", "nslookup", "printenv", "printf", "tail", "top", "wc", "wget", "whoami"}
	debianBin    = []string{"basename", "bash", "cat", "cp", "dash", "date", "dirname", "echo", "env", "false", "getent",
		"grep", "head", "hostname", "id", "ls", "mkdir", "mv", "printenv", "printf", "pwd", "rm", "sh", "sleep",
		"tail", "touch", "true", "wc", "whoami"}
)

func bins(dir string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = dir + "/" + n
	}
	return out
}

const (
	busyboxPasswd = "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\n" +
		"sys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\nmail:x:8:8:mail:/var/spool/mail:/bin/false\n" +
		"www-data:x:33:33:www-data:/var/www:/bin/false\noperator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n"
	busyboxGroup = "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nwheel:x:10:root\nmail:x:12:\n" +
		"www-data:x:33:\nusers:x:100:\nnogroup:x:65534:\n"
	alpinePasswd = "root:x:0:0:root:/root:/bin/sh\nbin:x:1:1:bin:/bin:/sbin/nologin\ndaemon:x:2:2:daemon:/sbin:/sbin/nologin\n" +
		"lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin\nsync:x:5:0:sync:/sbin:/bin/sync\nshutdown:x:6:0:shutdown:/sbin:/sbin/shutdown\n" +
		"halt:x:7:0:halt:/sbin:/sbin/halt\nmail:x:8:12:mail:/var/mail:/sbin/nologin\nnews:x:9:13:news:/usr/lib/news:/sbin/nologin\n" +
		"uucp:x:10:14:uucp:/var/spool/uucppublic:/sbin/nologin\ncron:x:16:16:cron:/var/spool/cron:/sbin/nologin\n" +
		"ftp:x:21:21::/var/lib/ftp:/sbin/nologin\nsshd:x:22:22:sshd:/dev/null:/sbin/nologin\ngames:x:35:35:games:/usr/games:/sbin/nologin\n" +
		"ntp:x:123:123:NTP:/var/empty:/sbin/nologin\nguest:x:405:100:guest:/dev/null:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n"
	alpineGroup = "root:x:0:root\nbin:x:1:root,bin,daemon\ndaemon:x:2:root,bin,daemon\nsys:x:3:root,bin\nadm:x:4:root,daemon\ntty:x:5:\n" +
		"disk:x:6:root\nlp:x:7:lp\nkmem:x:9:\nwheel:x:10:root\nfloppy:x:11:root\nmail:x:12:mail\nnews:x:13:news\nuucp:x:14:uucp\n" +
		"cron:x:16:cron\naudio:x:18:\ncdrom:x:19:\ndialout:x:20:root\nftp:x:21:\nsshd:x:22:\ninput:x:23:\ntape:x:26:root\nvideo:x:27:root\n" +
		"netdev:x:28:\nkvm:x:34:kvm\ngames:x:35:\nshadow:x:42:\nwww-data:x:82:\nusers:x:100:games\nntp:x:123:\nabuild:x:300:\n" +
		"utmp:x:406:\nping:x:999:\nnogroup:x:65533:\nnobody:x:65534:\n"
	debianPasswd = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\n" +
		"sys:x:3:3:sys:/dev:/usr/sbin/nologin\nsync:x:4:65534:sync:/bin:/bin/sync\ngames:x:5:60:games:/usr/games:/usr/sbin/nologin\n" +
		"man:x:6:12:man:/var/cache/man:/usr/sbin/nologin\nlp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin\nmail:x:8:8:mail:/var/mail:/usr/sbin/nologin\n" +
		"news:x:9:9:news:/var/spool/news:/usr/sbin/nologin\nuucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin\n" +
		"proxy:x:13:13:proxy:/bin:/usr/sbin/nologin\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n" +
		"backup:x:34:34:backup:/var/backups:/usr/sbin/nologin\nlist:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin\n" +
		"irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin\n_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n" +
		"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
	debianGroup = "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nlp:x:7:\nmail:x:8:\nnews:x:9:\nuucp:x:10:\n" +
		"man:x:12:\nproxy:x:13:\nkmem:x:15:\ndialout:x:20:\nfax:x:21:\nvoice:x:22:\ncdrom:x:24:\nfloppy:x:25:\ntape:x:26:\nsudo:x:27:\n" +
		"audio:x:29:\ndip:x:30:\nwww-data:x:33:\nbackup:x:34:\noperator:x:37:\nlist:x:38:\nirc:x:39:\nsrc:x:40:\nshadow:x:42:\nutmp:x:43:\n" +
		"video:x:44:\nsasl:x:45:\nplugdev:x:46:\nstaff:x:50:\ngames:x:60:\nusers:x:100:\nnogroup:x:65534:\n"
)

// distros are the root filesystems of the catalog's base repositories.
var distros = map[string]func(f *rootFS, v *variant){
	"busybox": func(f *rootFS, v *variant) {
		skeleton(f)
		f.exe(bins("/bin", busyboxBin)...)
		f.put("/etc/passwd", 0o644, busyboxPasswd)
		f.put("/etc/group", 0o644, busyboxGroup)
	},
	"alpine": func(f *rootFS, v *variant) {
		skeleton(f)
		f.exe(bins("/bin", alpineBin)...)
		f.exe(bins("/usr/bin", alpineUsrBin)...)
		f.put("/etc/passwd", 0o644, alpinePasswd)
		f.put("/etc/group", 0o644, alpineGroup)
		ver := versionTag(v)
		if ver == "" {
			ver = "3.22.0_alpha20250108"
		}
		short := ver
		if parts := strings.Split(ver, "."); len(parts) >= 2 {
			short = parts[0] + "." + parts[1]
		}
		f.put("/etc/alpine-release", 0o644, ver+"\n")
		f.put("/etc/os-release", 0o644, "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID="+ver+"\nPRETTY_NAME=\"Alpine Linux v"+short+
			"\"\nHOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n")
	},
	"debian": func(f *rootFS, v *variant) {
		skeleton(f)
		f.exe(bins("/bin", debianBin)...)
		f.exe(bins("/usr/bin", debianBin)...)
		f.put("/etc/passwd", 0o644, debianPasswd)
		f.put("/etc/group", 0o644, debianGroup)
		num, code := "12", "bookworm"
		for _, t := range v.tags {
			switch t {
			case "bullseye":
				num, code = "11", t
			case "trixie":
				num, code = "", t
			}
		}
		pretty, ver := "Debian GNU/Linux "+num+" ("+code+")", "VERSION_ID=\""+num+"\"\nVERSION=\""+num+" ("+code+")\"\n"
		if num == "" {
			pretty, ver = "Debian GNU/Linux "+code+"/sid", ""
		}
		f.put("/etc/debian_version", 0o644, map[string]string{"12": "12.9", "11": "11.11", "": "trixie/sid"}[num]+"\n")
		f.put("/etc/os-release", 0o644, "PRETTY_NAME=\""+pretty+"\"\nNAME=\"Debian GNU/Linux\"\n"+ver+"VERSION_CODENAME="+code+
			"\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n")
	},
	"ubuntu": func(f *rootFS, v *variant) {
		skeleton(f)
		f.exe(bins("/bin", debianBin)...)
		f.exe(bins("/usr/bin", debianBin)...)
		f.put("/etc/passwd", 0o644, debianPasswd)
		f.put("/etc/group", 0o644, debianGroup)
		rel := map[string][3]string{"noble": {"24.04", "24.04.1 LTS", "Noble Numbat"}, "jammy": {"22.04", "22.04.5 LTS", "Jammy Jellyfish"},
			"focal": {"20.04", "20.04.6 LTS", "Focal Fossa"}, "oracular": {"24.10", "24.10", "Oracular Oriole"}}
		code := "noble"
		for _, t := range v.tags {
			if _, ok := rel[t]; ok {
				code = t
			}
		}
		r := rel[code]
		if code == "noble" {
			f.appendTo("/etc/passwd", "ubuntu:x:1000:1000:Ubuntu:/home/ubuntu:/bin/bash")
			f.appendTo("/etc/group", "ubuntu:x:1000:")
			f.dir("/home/ubuntu")
		}
		f.put("/etc/os-release", 0o644, "PRETTY_NAME=\"Ubuntu "+r[1]+"\"\nNAME=\"Ubuntu\"\nVERSION_ID=\""+r[0]+"\"\nVERSION=\""+r[1]+" ("+r[2]+
			")\"\nVERSION_CODENAME="+code+"\nID=ubuntu\nID_LIKE=debian\nHOME_URL=\"https://www.ubuntu.com/\"\nSUPPORT_URL=\"https://help.ubuntu.com/\"\n"+
			"BUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\nUBUNTU_CODENAME="+code+"\n")
	},
	"hello-world": func(f *rootFS, v *variant) { f.exe("/hello") },
	"mysql": func(f *rootFS, v *variant) { // FROM oraclelinux:9-slim
		skeleton(f)
		f.exe(bins("/usr/bin", debianBin)...)
		f.exe(bins("/bin", debianBin)...)
		f.put("/etc/passwd", 0o644, "root:x:0:0:root:/root:/bin/bash\nbin:x:1:1:bin:/bin:/sbin/nologin\ndaemon:x:2:2:daemon:/sbin:/sbin/nologin\n"+
			"nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin\nmysql:x:999:999::/var/lib/mysql:/bin/bash\n")
		f.put("/etc/group", 0o644, "root:x:0:\nbin:x:1:\ndaemon:x:2:\nnobody:x:65534:\nmysql:x:999:\n")
		f.put("/etc/os-release", 0o644, "NAME=\"Oracle Linux Server\"\nVERSION=\"9.5\"\nID=\"ol\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"9.5\"\n"+
			"PLATFORM_ID=\"platform:el9\"\nPRETTY_NAME=\"Oracle Linux Server 9.5\"\nHOME_URL=\"https://linux.oracle.com/\"\n")
		f.put("/etc/my.cnf", 0o644, "[mysqld]\nhost-cache-size=0\nskip-name-resolve\ndatadir=/var/lib/mysql\nsocket=/var/run/mysqld/mysqld.sock\n"+
			"secure-file-priv=/var/lib/mysql-files\nuser=mysql\n\npid-file=/var/run/mysqld/mysqld.pid\n[client]\nsocket=/var/run/mysqld/mysqld.sock\n\n!includedir /etc/mysql/conf.d/\n")
		f.exe("/usr/sbin/mysqld", "/usr/bin/mysql", "/usr/bin/mysqladmin")
		f.dir("/docker-entrypoint-initdb.d")
		f.dir("/var/run/mysqld")
	},
}

// skeleton are the directories every distribution has.
func skeleton(f *rootFS) {
	for _, d := range []string{"/dev", "/etc", "/home", "/proc", "/root", "/run", "/sys", "/tmp", "/usr/local/bin", "/usr/sbin", "/var/log", "/var/tmp"} {
		f.dir(d)
	}
}
