#!/usr/bin/env bash
# Builds galley-runner:latest from this machine's own files (no registry can be reached):
# busybox-static for /bin/sh and coreutils, the host's node and psql plus the shared
# libraries ldd lists, a non-root user `runner` (uid 10001). The rootfs is streamed
# into `docker import`, so there is no base image and nothing to pull.
#
# Idempotent: the image carries a label with a hash of every input file (and of this
# script); when an image with the same hash exists, nothing is rebuilt.
# Usage: docker/runner/build.sh [--force]   (IMAGE=name:tag to build another tag)
set -euo pipefail

IMAGE=${IMAGE:-galley-runner:latest}
FORCE=${1:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export DEBIAN_FRONTEND=noninteractive

apt_install() {
  [ "$(id -u)" = "0" ] || { echo "build.sh: $1 is missing and installing it needs root" >&2; exit 1; }
  echo "build.sh: installing $1 from Debian's archive" >&2
  apt-get update -qq && apt-get install -y -qq "$1" >/dev/null
}

busybox_path() {
  local b
  for b in /bin/busybox /usr/bin/busybox; do
    # Only a static busybox works alone in the image; the dynamic one would need its own libs.
    if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then echo "$b"; return 0; fi
  done
  return 1
}

# psql on Debian is a Perl wrapper; take the real binary of the newest installed client.
psql_path() { ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1; }

BUSYBOX=$(busybox_path || { apt_install busybox-static >&2; busybox_path; })
PSQL=$(psql_path)
[ -n "$PSQL" ] || { apt_install postgresql-client; PSQL=$(psql_path); }
NODE=$(readlink -f "$(command -v node)")
[ -x "$NODE" ] || { echo "build.sh: node not found" >&2; exit 1; }

# Every shared library (and the dynamic loader) the dynamic binaries need, as ldd resolves them.
LIBS=$(ldd "$NODE" "$PSQL" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | sort -u)

hash_inputs() {
  { sha256sum "$HERE/build.sh" "$BUSYBOX" "$NODE" "$PSQL" $LIBS | awk '{ print $1 }'; } | sha256sum | cut -c1-32
}
HASH=$(hash_inputs)

# Parallel test files build at the same time: one builds, the others then find it up to date.
exec 9>/tmp/galley-runner-build.lock
flock -w 300 9

current=$(docker image inspect "$IMAGE" --format '{{ index .Config.Labels "galley.content-hash" }}' 2>/dev/null || true)
if [ "$current" = "$HASH" ] && [ "$FORCE" != "--force" ]; then
  echo "build.sh: $IMAGE is up to date (galley.content-hash=$HASH)"
  exit 0
fi

ROOT=$(mktemp -d /tmp/galley-runner-rootfs.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
cd "$ROOT"
mkdir -p bin usr/bin usr/local/bin etc tmp galley/work galley/files proc sys dev
chmod 1777 tmp

cp "$BUSYBOX" bin/busybox
for applet in $(bin/busybox --list); do
  [ -e "bin/$applet" ] || ln -s busybox "bin/$applet"
done
ln -s /bin/env usr/bin/env # for `#!/usr/bin/env node` scripts
cp "$NODE" usr/bin/node
cp "$PSQL" usr/bin/psql
for lib in $LIBS; do
  mkdir -p ".$(dirname "$lib")"
  cp -L "$lib" ".$lib"
done

cat > etc/passwd <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
runner:x:10001:10001:Galley runner:/galley/work:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > etc/group <<'GROUP'
root:x:0:
runner:x:10001:
nogroup:x:65534:
GROUP
echo 'hosts: files dns' > etc/nsswitch.conf
chown -R 0:0 . && chown 10001:10001 galley/work

# --numeric-owner keeps the uids as they are; docker import makes one layer of this tree.
tar --numeric-owner -cf - . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'ENV HOME=/galley/work' \
  --change 'ENV GALLEY_FILES=/galley/files' \
  --change 'ENV GALLEY_WORK=/galley/work' \
  --change 'WORKDIR /galley/work' \
  --change 'USER 10001:10001' \
  --change 'CMD ["/bin/sh"]' \
  --change "LABEL galley.content-hash=$HASH" \
  --change "LABEL galley.runner.node=$("$NODE" --version)" \
  - "$IMAGE" >/dev/null
REPO=${IMAGE%:*}
docker tag "$IMAGE" "$REPO:h-${HASH:0:12}"
# Drop the content tags of earlier builds (an image still used by a container stays).
for tag in $(docker images "$REPO" --format '{{.Tag}}' | grep '^h-' | grep -vx "h-${HASH:0:12}"); do
  docker rmi "$REPO:$tag" >/dev/null 2>&1 || true
done
docker image prune -f --filter label=galley.content-hash >/dev/null 2>&1 || true # untagged earlier builds only
size=$(docker image inspect "$IMAGE" --format '{{ .Size }}')
echo "build.sh: built $IMAGE (galley.content-hash=$HASH, $((size / 1024 / 1024)) MiB)"
