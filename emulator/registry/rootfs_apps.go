package registry

// overlays are the files catalog repositories add over their base (alpine:
// the variant is built on alpine, whose accounts and paths differ).
var overlays = map[string]func(f *rootFS, v *variant, alpine bool){
	"nginx": func(f *rootFS, v *variant, alpine bool) {
		if alpine {
			f.appendTo("/etc/passwd", "nginx:x:101:101:nginx:/var/cache/nginx:/sbin/nologin")
		} else {
			f.appendTo("/etc/passwd", "nginx:x:101:101:nginx user:/nonexistent:/bin/false")
		}
		f.appendTo("/etc/group", "nginx:x:101:nginx")
		f.exe("/usr/sbin/nginx")
		f.put("/etc/nginx/nginx.conf", 0o644, nginxConf)
		f.put("/etc/nginx/conf.d/default.conf", 0o644, nginxDefault)
		f.put("/etc/nginx/mime.types", 0o644, "types {\n    text/html  html htm shtml;\n    text/css   css;\n    application/javascript js;\n}\n")
		f.put("/usr/share/nginx/html/index.html", 0o644, nginxIndex)
		f.put("/usr/share/nginx/html/50x.html", 0o644, nginxErr)
		f.dir("/docker-entrypoint.d")
		f.dir("/var/cache/nginx")
		f.dir("/var/log/nginx")
	},
	"httpd": func(f *rootFS, v *variant, alpine bool) {
		f.exe("/usr/local/apache2/bin/httpd", "/usr/local/apache2/bin/apachectl", "/usr/local/bin/httpd-foreground")
		f.put("/usr/local/apache2/conf/httpd.conf", 0o644, "ServerRoot \"/usr/local/apache2\"\nListen 80\nUser www-data\nGroup www-data\n"+
			"ServerAdmin you@example.com\nDocumentRoot \"/usr/local/apache2/htdocs\"\n<Directory \"/usr/local/apache2/htdocs\">\n    Require all granted\n</Directory>\n"+
			"ErrorLog /proc/self/fd/2\nLogLevel warn\n")
		f.put("/usr/local/apache2/htdocs/index.html", 0o644, "<html><body><h1>It works!</h1></body></html>\n")
		f.dir("/usr/local/apache2/logs")
	},
	"traefik": func(f *rootFS, v *variant, alpine bool) {
		f.exe("/usr/local/bin/traefik")
	},
	"postgres": func(f *rootFS, v *variant, alpine bool) {
		major := envOf(v, "PG_MAJOR", "17")
		if alpine {
			f.appendTo("/etc/passwd", "postgres:x:70:70:PostgreSQL user:/var/lib/postgresql:/bin/sh")
			f.appendTo("/etc/group", "postgres:x:70:")
			f.exe("/usr/local/bin/postgres", "/usr/local/bin/initdb", "/usr/local/bin/pg_ctl", "/usr/local/bin/psql", "/usr/local/bin/pg_isready")
			f.put("/usr/local/share/postgresql/postgresql.conf.sample", 0o644, pgConfSample)
		} else {
			f.appendTo("/etc/passwd", "postgres:x:999:999::/var/lib/postgresql:/bin/bash")
			f.appendTo("/etc/group", "ssl-cert:x:101:postgres", "postgres:x:999:")
			bin := "/usr/lib/postgresql/" + major + "/bin/"
			f.exe(bin+"postgres", bin+"initdb", bin+"pg_ctl", bin+"pg_isready", bin+"psql", "/usr/bin/psql", "/usr/bin/pg_isready")
			f.put("/usr/share/postgresql/postgresql.conf.sample", 0o644, pgConfSample)
		}
		f.exe("/usr/local/bin/gosu")
		f.dir("/docker-entrypoint-initdb.d")
		f.dir("/var/run/postgresql")
		f.dir("/var/lib/postgresql/data") // empty in the image: initdb fills the volume
	},
	"redis": func(f *rootFS, v *variant, alpine bool) {
		if alpine {
			f.appendTo("/etc/passwd", "redis:x:999:1000:Linux User,,,:/home/redis:/sbin/nologin")
			f.appendTo("/etc/group", "redis:x:1000:redis")
		} else {
			f.appendTo("/etc/passwd", "redis:x:999:999::/home/redis:/bin/sh")
			f.appendTo("/etc/group", "redis:x:999:")
		}
		f.exe("/usr/local/bin/redis-server", "/usr/local/bin/redis-cli", "/usr/local/bin/redis-benchmark", "/usr/local/bin/gosu")
		f.dir("/data")
	},
	"mariadb": func(f *rootFS, v *variant, alpine bool) {
		f.appendTo("/etc/passwd", "mysql:x:999:999::/home/mysql:/bin/sh")
		f.appendTo("/etc/group", "mysql:x:999:")
		f.exe("/usr/sbin/mariadbd", "/usr/bin/mariadb", "/usr/bin/mariadb-admin", "/usr/local/bin/gosu")
		f.put("/etc/mysql/my.cnf", 0o644, "[client-server]\nsocket = /run/mysqld/mysqld.sock\n\n!includedir /etc/mysql/conf.d/\n!includedir /etc/mysql/mariadb.conf.d/\n")
		f.dir("/docker-entrypoint-initdb.d")
		f.dir("/run/mysqld")
	},
	"mongo": func(f *rootFS, v *variant, alpine bool) {
		f.appendTo("/etc/passwd", "mongodb:x:999:999::/data/db:/bin/sh")
		f.appendTo("/etc/group", "mongodb:x:999:")
		f.exe("/usr/bin/mongod", "/usr/bin/mongos", "/usr/bin/mongosh", "/usr/local/bin/gosu")
		f.put("/etc/mongod.conf.orig", 0o644, "storage:\n  dbPath: /var/lib/mongodb\nsystemLog:\n  destination: file\n  logAppend: true\n  path: /var/log/mongodb/mongod.log\nnet:\n  port: 27017\n  bindIp: 127.0.0.1\n")
		f.dir("/docker-entrypoint-initdb.d")
	},
	"python": func(f *rootFS, v *variant, alpine bool) {
		f.exe("/usr/local/bin/python3", "/usr/local/bin/python", "/usr/local/bin/pip", "/usr/local/bin/pip3")
	},
	"node": func(f *rootFS, v *variant, alpine bool) {
		if alpine {
			f.appendTo("/etc/passwd", "node:x:1000:1000:Linux User,,,:/home/node:/bin/sh")
		} else {
			f.appendTo("/etc/passwd", "node:x:1000:1000::/home/node:/bin/bash")
		}
		f.appendTo("/etc/group", "node:x:1000:")
		f.dir("/home/node")
		f.exe("/usr/local/bin/node", "/usr/local/bin/npm", "/usr/local/bin/npx", "/usr/local/bin/yarn")
	},
	"golang": func(f *rootFS, v *variant, alpine bool) {
		f.exe("/usr/local/go/bin/go", "/usr/local/go/bin/gofmt")
		f.dir("/go/bin")
		f.dir("/go/src")
	},
	"bash": func(f *rootFS, v *variant, alpine bool) {
		f.exe("/usr/local/bin/bash")
	},
	"prom/prometheus": func(f *rootFS, v *variant, alpine bool) {
		f.exe("/bin/prometheus", "/bin/promtool")
		f.put("/etc/prometheus/prometheus.yml", 0o644, "global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\n\n"+
			"scrape_configs:\n  - job_name: \"prometheus\"\n    static_configs:\n      - targets: [\"localhost:9090\"]\n")
		f.dir("/prometheus")
	},
	"grafana/grafana": func(f *rootFS, v *variant, alpine bool) {
		f.appendTo("/etc/passwd", "grafana:x:472:0::/home/grafana:/sbin/nologin")
		f.exe("/usr/share/grafana/bin/grafana", "/usr/share/grafana/bin/grafana-server", "/usr/share/grafana/bin/grafana-cli")
		f.put("/etc/grafana/grafana.ini", 0o644, "[paths]\ndata = /var/lib/grafana\nlogs = /var/log/grafana\nplugins = /var/lib/grafana/plugins\n\n[server]\nhttp_port = 3000\n")
		f.dir("/var/lib/grafana")
	},
	"vaultwarden/server": func(f *rootFS, v *variant, alpine bool) {
		f.exe("/vaultwarden")
		f.put("/web-vault/index.html", 0o644, "<!doctype html><html><head><title>Vaultwarden Web</title></head><body></body></html>\n")
		f.dir("/data")
	},
}

const nginxConf = `
user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;


events {
    worker_connections  1024;
}


http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}
`

const nginxDefault = `server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
`

const nginxIndex = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>
<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`

const nginxErr = `<!DOCTYPE html>
<html>
<head>
<title>Error</title>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
</body>
</html>
`

const pgConfSample = "# -----------------------------\n# PostgreSQL configuration file\n# -----------------------------\n" +
	"#listen_addresses = 'localhost'\n#port = 5432\nmax_connections = 100\nshared_buffers = 128MB\n"
