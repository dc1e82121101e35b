# shellcheck shell=bash
# The cluster network: bridge mk8s0, the MINIK8S-FORWARD chain, and one namespace + veth per node.

# ensure_bridge — bridge mk8s0 with 10.100.0.1/24, up.
ensure_bridge() {
  ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
  ip addr show dev "$BRIDGE" | grep -F "inet $BRIDGE_CIDR " >/dev/null || ip addr add "$BRIDGE_CIDR" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

remove_bridge() { ! ip link show "$BRIDGE" >/dev/null 2>&1 || ip link del "$BRIDGE"; }

# ensure_forward_chain — our own chain, jumped to first from FORWARD, accepting traffic in and out of mk8s0.
# A dockerd's br_netfilter sends bridged frames through FORWARD, whose policy docker turns to DROP.
ensure_forward_chain() {
  iptables -w -N "$FORWARD_CHAIN" 2>/dev/null || true
  iptables -w -C "$FORWARD_CHAIN" -i "$BRIDGE" -j ACCEPT 2>/dev/null || iptables -w -A "$FORWARD_CHAIN" -i "$BRIDGE" -j ACCEPT
  iptables -w -C "$FORWARD_CHAIN" -o "$BRIDGE" -j ACCEPT 2>/dev/null || iptables -w -A "$FORWARD_CHAIN" -o "$BRIDGE" -j ACCEPT
  iptables -w -C FORWARD -j "$FORWARD_CHAIN" 2>/dev/null || iptables -w -I FORWARD 1 -j "$FORWARD_CHAIN"
}

remove_forward_chain() {
  while iptables -w -D FORWARD -j "$FORWARD_CHAIN" 2>/dev/null; do :; done
  iptables -w -F "$FORWARD_CHAIN" 2>/dev/null || true
  iptables -w -X "$FORWARD_CHAIN" 2>/dev/null || true
}

# ensure_netns NETNS HOST_VETH IP/PREFIX — a namespace wired to mk8s0 through a veth (eth0 inside).
# Reuses what is intact, rebuilds what is stale (a namespace without eth0, a veth off the bridge).
ensure_netns() {
  local ns=$1 hostveth=$2 addr=$3 peer="${2}p"
  # A /run/netns entry whose bind mount is gone (after a hard kill) cannot be entered: drop it.
  if [[ -e /run/netns/$ns ]] && ! ip netns exec "$ns" true 2>/dev/null; then ip netns del "$ns" 2>/dev/null || rm -f "/run/netns/$ns"; fi
  [[ -e /run/netns/$ns ]] || ip netns add "$ns"
  if ! ip -n "$ns" link show eth0 >/dev/null 2>&1 || ! ip link show "$hostveth" >/dev/null 2>&1; then
    ip -n "$ns" link del eth0 2>/dev/null || true
    ip link del "$hostveth" 2>/dev/null || true
    ip link add "$hostveth" type veth peer name "$peer"
    ip link set "$peer" netns "$ns"
    ip -n "$ns" link set "$peer" name eth0
  fi
  ip link set "$hostveth" master "$BRIDGE"
  ip link set "$hostveth" up
  ip -n "$ns" link set lo up
  # 2>/dev/null: iproute2 may warn about a stale peer netns id (after a namespace was lost); harmless.
  ip -n "$ns" -4 -o addr show dev eth0 2>/dev/null | grep -F "inet $addr " >/dev/null || ip -n "$ns" addr add "$addr" dev eth0
  ip -n "$ns" link set eth0 up
}

remove_netns() {
  local ns=$1 hostveth=$2
  ip link del "$hostveth" 2>/dev/null || true
  if [[ -e /run/netns/$ns ]]; then ip netns del "$ns" 2>/dev/null || rm -f "/run/netns/$ns"; fi
}
