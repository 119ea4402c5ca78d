#!/bin/sh
# Runs one hardening script inside the image root filesystem $IMAGE_DIR with chroot, as the
# shell provisioner of the real template runs it on the build instance.
set -eu
script="${1:?script}"
: "${IMAGE_DIR:?IMAGE_DIR is not set}"
if [ "$(id -u)" != 0 ]; then
  echo "not root: cannot chroot into $IMAGE_DIR; checked $(basename "$script") for syntax only" >&2
  exec sh -n "$script"
fi
mkdir -p "$IMAGE_DIR/tmp/ami-bakery"
cp "$script" "$IMAGE_DIR/tmp/ami-bakery/step.sh"
# the image's own PATH, not the build machine's (a runner's tool directories are not in the image)
chroot "$IMAGE_DIR" /usr/bin/env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  AMI_BAKERY_OFFLINE="${AMI_BAKERY_OFFLINE:-}" /bin/sh /tmp/ami-bakery/step.sh
rm -rf "$IMAGE_DIR/tmp/ami-bakery"
