#!/bin/sh
# Hardening for the CIS Ubuntu Linux 22.04 LTS benchmark, Level 1 Server — section 3: network parameters.
# One sysctl file, each setting under the CIS recommendation it implements.
set -eu
mkdir -p /etc/sysctl.d
f=/etc/sysctl.d/60-cis-network.conf
: >"$f"
set_sysctl() { echo "$1 = $2" >>"$f"; }

# CIS 3.2.1 Ensure packet redirect sending is disabled
set_sysctl net.ipv4.conf.all.send_redirects 0
set_sysctl net.ipv4.conf.default.send_redirects 0
# CIS 3.2.2 Ensure IP forwarding is disabled
set_sysctl net.ipv4.ip_forward 0
set_sysctl net.ipv6.conf.all.forwarding 0
# CIS 3.3.1 Ensure source routed packets are not accepted
set_sysctl net.ipv4.conf.all.accept_source_route 0
set_sysctl net.ipv4.conf.default.accept_source_route 0
set_sysctl net.ipv6.conf.all.accept_source_route 0
set_sysctl net.ipv6.conf.default.accept_source_route 0
# CIS 3.3.2 Ensure ICMP redirects are not accepted
set_sysctl net.ipv4.conf.all.accept_redirects 0
set_sysctl net.ipv4.conf.default.accept_redirects 0
set_sysctl net.ipv6.conf.all.accept_redirects 0
set_sysctl net.ipv6.conf.default.accept_redirects 0
# CIS 3.3.3 Ensure secure ICMP redirects are not accepted
set_sysctl net.ipv4.conf.all.secure_redirects 0
set_sysctl net.ipv4.conf.default.secure_redirects 0
# CIS 3.3.4 Ensure suspicious packets are logged
set_sysctl net.ipv4.conf.all.log_martians 1
set_sysctl net.ipv4.conf.default.log_martians 1
# CIS 3.3.5 Ensure broadcast ICMP requests are ignored
set_sysctl net.ipv4.icmp_echo_ignore_broadcasts 1
# CIS 3.3.6 Ensure bogus ICMP responses are ignored
set_sysctl net.ipv4.icmp_ignore_bogus_error_responses 1
# CIS 3.3.7 Ensure Reverse Path Filtering is enabled
set_sysctl net.ipv4.conf.all.rp_filter 1
set_sysctl net.ipv4.conf.default.rp_filter 1
# CIS 3.3.8 Ensure TCP SYN Cookies is enabled
set_sysctl net.ipv4.tcp_syncookies 1
# CIS 3.3.9 Ensure IPv6 router advertisements are not accepted
set_sysctl net.ipv6.conf.all.accept_ra 0
set_sysctl net.ipv6.conf.default.accept_ra 0

if [ -d /run/systemd/system ]; then sysctl -q --system; fi
