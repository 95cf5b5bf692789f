#!/usr/bin/env bash
# Installs the Debian packages lagwatch's tests need, when missing (run as root): Java 17 and Maven for the
# Kafka broker, Prometheus (with promtool) and Alertmanager for the rule and end-to-end tests.
# Used by .ci/run; the README's install steps run it too.
set -euo pipefail

need=()
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need+=(maven)
# Prometheus (with promtool) and Alertmanager for the rule unit tests and the end-to-end tests.
{ command -v prometheus >/dev/null && command -v promtool >/dev/null; } || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null || command -v alertmanager >/dev/null ||
  need+=(prometheus-alertmanager)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q
  # The prometheus packages start system services on install. The tests run their own servers (own config,
  # temp data, free loopback ports), so keep the services from starting: a policy-rc.d that denies every
  # start (invoke-rc.d and deb-systemd-invoke honour it), removed again afterwards if we added it.
  policy=/usr/sbin/policy-rc.d
  added_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    added_policy=true
    trap 'rm -f "$policy"' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
  if $added_policy; then
    rm -f "$policy"
    trap - EXIT
  fi
fi

# Should the services run anyway (installed earlier, or an image that started them), stop and disable them:
# they would hold :9090, :9093 and :9094, and spend CPU the tests need.
for service in prometheus prometheus-alertmanager prometheus-node-exporter; do
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    systemctl disable --now "$service" >/dev/null 2>&1 || true
  elif [ -x "/etc/init.d/$service" ]; then
    "/etc/init.d/$service" stop >/dev/null 2>&1 || true
    command -v update-rc.d >/dev/null && update-rc.d "$service" disable >/dev/null 2>&1 || true
  fi
done
