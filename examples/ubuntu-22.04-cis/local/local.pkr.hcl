# The local stand-in for ../ubuntu-22.04-cis.pkr.hcl used by `npm run demo` (no AWS account): the
# same hardening scripts, run by real Packer, applied with chroot to a root filesystem that stands
# for the build instance's disk. Packer's null builder makes no AMI: the demo registers the
# hardened filesystem in the local EC2 sandbox itself, and says so.
variable "image_dir" {
  type        = string
  description = "Root filesystem of the image being built (a copy of the base image)."
}

variable "manifest" {
  type    = string
  default = "packer-manifest.json"
}

variable "offline" {
  type    = string
  default = "1"
}

source "null" "image" {
  communicator = "none"
}

build {
  name    = "ubuntu-22.04-cis-local"
  sources = ["source.null.image"]

  provisioner "shell-local" {
    scripts = [
      "scripts/os-update.sh",
      "scripts/hardening/10-filesystems.sh",
      "scripts/hardening/20-boot-and-processes.sh",
      "scripts/hardening/30-network.sh",
      "scripts/hardening/40-logging-and-cron.sh",
      "scripts/hardening/50-ssh.sh",
      "scripts/hardening/60-accounts.sh",
      "scripts/hardening/70-file-permissions.sh",
    ]
    environment_vars = ["AMI_BAKERY_OFFLINE=${var.offline}", "IMAGE_DIR=${var.image_dir}"]
    execute_command  = ["/bin/sh", "-c", "{{.Vars}} /bin/sh local/in-image.sh {{.Script}}"]
  }

  post-processor "manifest" {
    output     = var.manifest
    strip_path = true
    custom_data = {
      image_dir = var.image_dir
    }
  }
}
