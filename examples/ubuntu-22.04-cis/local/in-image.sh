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
chroot "$IMAGE_DIR" env AMI_BAKERY_OFFLINE="${AMI_BAKERY_OFFLINE:-}" /bin/sh /tmp/ami-bakery/step.sh
rm -rf "$IMAGE_DIR/tmp/ami-bakery"
