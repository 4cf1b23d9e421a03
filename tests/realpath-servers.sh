#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# realpath-servers.sh: servers the project did not write, on a plain veth
# pair, with offloads on (checksum offload, TSO, GSO, GRO) and off: nginx
# answers GET with HTTP/1.1 200 and the close completes, OpenSSH's sshd
# sends its SSH-2.0- banner, Python's http.server answers 200. With
# offloads on the target's checksums are offloaded, with them off right;
# never bad.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/realpath-lib.sh"
need_root
for prog in nginx /usr/sbin/sshd ssh-keygen python3 ethtool; do
	command -v "$prog" >/dev/null ||
		fail "$prog is missing: run scripts/deps.sh"
done
rp_start
S=$RP_V4.2

# nginx, all its files in $TMP; one process (no master, no workers), so
# killing its pid stops it.
chmod 755 "$TMP"
mkdir "$TMP/www"
echo '<h1>tcpshake</h1>' >"$TMP/www/index.html"
cat >"$TMP/nginx.conf" <<END
daemon off;
master_process off;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log;
events { worker_connections 16; }
http {
	access_log $TMP/nginx-access.log;
	client_body_temp_path $TMP/body;
	proxy_temp_path $TMP/proxy;
	fastcgi_temp_path $TMP/fastcgi;
	uwsgi_temp_path $TMP/uwsgi;
	scgi_temp_path $TMP/scgi;
	server {
		listen $S:8080;
		root $TMP/www;
	}
}
END

# sshd with a host key of its own; OpenSSH wants its privilege separation
# directory, which Debian's init script would have made.
ssh-keygen -q -t ed25519 -N '' -f "$TMP/hostkey" </dev/null ||
	fail "ssh-keygen failed"
cat >"$TMP/sshd_config" <<END
ListenAddress $S:2222
HostKey $TMP/hostkey
PidFile $TMP/sshd.pid
UsePAM no
END
mkdir -p /run/sshd

# The target's segments' checksums: offloaded with offloads on, right
# with them off, never bad.
checksums() {
	rp_no_line 'bad checksum' "$1"
	if [ "$setting" = on ]; then
		rp_line 'RCVD .*\[checksum offloaded\]$' "$1"
	else
		rp_no_line 'checksum offloaded' "$1"
	fi
}

for setting in on off; do
	rp_offloads $setting
	rp_serve nginx 8080 nginx -c "$TMP/nginx.conf" -p "$TMP"
	rp_serve sshd 2222 /usr/sbin/sshd -D -e -f "$TMP/sshd_config"
	rp_serve http.server 8000 python3 -m http.server --bind "$S" \
	    --directory "$TMP/www" 8000

	rp_run connect "$S:8080" --send 'GET / HTTP/1.0\r\n\r\n'
	rp_rc 0 "nginx, offloads $setting"
	rp_line 'RCVD .* "HTTP/1\.1 200 OK' "nginx, offloads $setting"
	rp_line 'RCVD .* F\. ' "nginx, offloads $setting: its FIN"
	rp_line 'as asked \(--close fin\)' "nginx, offloads $setting"
	checksums "nginx, offloads $setting"

	rp_run connect "$S:2222" --recv-wait 0.3
	rp_rc 0 "sshd, offloads $setting"
	rp_line 'RCVD .* "SSH-2\.0-' "sshd, offloads $setting"
	checksums "sshd, offloads $setting"

	rp_run connect "$S:8000" --send 'GET / HTTP/1.0\r\n\r\n'
	rp_rc 0 "http.server, offloads $setting"
	rp_line 'RCVD .* "HTTP/1\.0 200 OK' "http.server, offloads $setting"
	rp_line 'as asked \(--close fin\)' "http.server, offloads $setting"
	checksums "http.server, offloads $setting"

	rp_serve_stop
	echo "# nginx, sshd, http.server with offloads $setting: ok"
done
exit 0
