#!/usr/bin/env bash
# The NAT lab, defined once: tests/it/support/netns.rs and scripts/bench-nat both drive it.
#
#  client ns (TAGc)          router ns (TAGr)                   public ns (TAGp)
#  c0 198.18.1.2/24 ------- r0 198.18.1.1/24                     p0 198.19.0.2/24 (STUN primary)
#     2001:db8:1::2/64         2001:db8:1::1/64                     198.19.0.3/24 (STUN alternate)
#  default via .1.1 / ::1   r1 198.19.0.1/24  ------------------    198.19.0.4/24 (spare)
#                              2001:db8:2::1/64                     2001:db8:2::2, ::3 /64
#                           nft ruleset = the router mode (tests/nat_lab/MODE.nft, IPv4 only;
#                           IPv6 is routed without NAT)
#
# Only 198.18.0.0/15 and 2001:db8::/32 (documentation) are used, and no veth reaches the root
# namespace: each veth is born inside its namespaces.
#
#   lab.sh up TAG             build the namespaces TAGc, TAGr, TAGp (router mode "none")
#   lab.sh down TAG           delete them (and /etc/netns/TAGc)
#   lab.sh mode TAG MODE      load tests/nat_lab/MODE.nft into the router
#   lab.sh loss TAG PERCENT   drop PERCENT % of forwarded UDP at random, each way (after `mode`)
#   lab.sh carrier TAG [fullcone]
#                             put a carrier-grade NAT (namespace TAGn) between router and public:
#                             router r1 100.64.0.2/10 -- n0 100.64.0.1/10, n1 198.19.0.1/24 -- p0;
#                             TAGn masquerades out of n1 (IPv4 only); "fullcone" also lets any
#                             host reach a UDP port the router has sent from (as fullcone.nft)
#   lab.sh stun TAG DIR       exec coturn as an RFC 5780 STUN server on the primary and alternate
#                             addresses (IPv4 and IPv6), files in DIR; runs in the foreground
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:?usage: lab.sh up|down|mode|loss|carrier|stun TAG ...}
tag=${2:?TAG missing}
C=${tag}c R=${tag}r P=${tag}p N=${tag}n

case "$cmd" in
up)
  for ns in "$C" "$R" "$P"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
  done
  ip link add c0 netns "$C" type veth peer name r0 netns "$R"
  ip link add r1 netns "$R" type veth peer name p0 netns "$P"
  ip -n "$C" addr add 198.18.1.2/24 dev c0
  ip -n "$C" addr add 2001:db8:1::2/64 dev c0 nodad
  ip -n "$R" addr add 198.18.1.1/24 dev r0
  ip -n "$R" addr add 2001:db8:1::1/64 dev r0 nodad
  ip -n "$R" addr add 198.19.0.1/24 dev r1
  ip -n "$R" addr add 2001:db8:2::1/64 dev r1 nodad
  for a in 198.19.0.2/24 198.19.0.3/24 198.19.0.4/24; do ip -n "$P" addr add "$a" dev p0; done
  for a in 2001:db8:2::2/64 2001:db8:2::3/64; do ip -n "$P" addr add "$a" dev p0 nodad; done
  for l in "$C c0" "$R r0" "$R r1" "$P p0"; do
    set -- $l
    ip -n "$1" link set "$2" up
  done
  ip -n "$C" route add default via 198.18.1.1
  ip -n "$C" -6 route add default via 2001:db8:1::1
  # Only the "none" and "firewall" modes route to the client without NAT.
  ip -n "$P" route add 198.18.1.0/24 via 198.19.0.1
  ip -n "$P" -6 route add 2001:db8:1::/64 via 2001:db8:2::1
  ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
  ip netns exec "$R" sysctl -qw net.ipv6.conf.all.forwarding=1
  ;;
down)
  for ns in "$C" "$R" "$P" "$N"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "/etc/netns/$C"
  ;;
mode)
  ip netns exec "$R" nft -f "$here/${3:?MODE missing}.nft"
  ;;
loss)
  printf 'table inet loss {\n chain fw {\n  type filter hook forward priority -10; policy accept;\n  meta l4proto udp numgen random mod 100 < %d drop\n }\n}\n' \
    "${3:?PERCENT missing}" | ip netns exec "$R" nft -f -
  ;;
carrier)
  kind=${3:-masquerade}
  ip netns add "$N"
  ip -n "$N" link set lo up
  # Deleting r1 deletes its peer p0 and the public addresses with it.
  ip -n "$R" link del r1
  ip link add r1 netns "$R" type veth peer name n0 netns "$N"
  ip link add n1 netns "$N" type veth peer name p0 netns "$P"
  ip -n "$R" addr add 100.64.0.2/10 dev r1
  ip -n "$N" addr add 100.64.0.1/10 dev n0
  ip -n "$N" addr add 198.19.0.1/24 dev n1
  for a in 198.19.0.2/24 198.19.0.3/24 198.19.0.4/24; do ip -n "$P" addr add "$a" dev p0; done
  # The STUN server binds its IPv6 addresses too, though none is routed any more.
  for a in 2001:db8:2::2/64 2001:db8:2::3/64; do ip -n "$P" addr add "$a" dev p0 nodad; done
  for l in "$R r1" "$N n0" "$N n1" "$P p0"; do
    set -- $l
    ip -n "$1" link set "$2" up
  done
  ip -n "$R" route add default via 100.64.0.1
  ip netns exec "$N" sysctl -qw net.ipv4.ip_forward=1
  cone_fw='' cone_dnat=''
  if [ "$kind" = fullcone ]; then
    cone_fw='ct status dnat accept; iifname "n0" meta l4proto udp update @cone { udp sport } accept'
    cone_dnat='iifname "n1" udp dport @cone dnat to 100.64.0.2'
  fi
  ip netns exec "$N" nft -f - <<NFT
table ip carrier {
  set cone { type inet_service; flags dynamic,timeout; timeout 120s; }
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    $cone_fw
    iifname "n0" accept
  }
  chain prerouting {
    type nat hook prerouting priority -100;
    $cone_dnat
  }
  chain postrouting {
    type nat hook postrouting priority 100;
    oifname "n1" masquerade
  }
}
NFT
  ;;
stun)
  dir=${3:?DIR missing}
  # An empty config: Debian's /etc/turnserver.conf turns RFC 5780 off.
  : >"$dir/stun.conf"
  exec ip netns exec "$P" turnserver -c "$dir/stun.conf" --stun-only --no-cli --no-tls --no-dtls \
    --pidfile "$dir/stun.pid" --log-file "$dir/stun.log" --simple-log --no-stdout-log -p 3478 \
    -L 198.19.0.2 -L 198.19.0.3 -L 2001:db8:2::2 -L 2001:db8:2::3
  ;;
*)
  echo "lab.sh: unknown command $cmd" >&2
  exit 2
  ;;
esac
