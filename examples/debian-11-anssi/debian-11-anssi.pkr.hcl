# Golden Debian 11 AMI hardened to ANSSI BP-028 (ComplianceAsCode's anssi_np_nt28_average profile, the
# one Debian's ssg-debian content ships for Debian 11: it has no CIS profile for Debian). The second
# family of examples/images.yml, beside Ubuntu 22.04 CIS.
packer {
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = ">= 1.3.0"
    }
  }
}

variable "region" {
  type        = string
  default     = "us-east-1"
  description = "Region the build instance runs in."
}

variable "name_prefix" {
  type    = string
  default = "golden-debian-11-anssi"
}

variable "kms_key_id" {
  type        = string
  default     = ""
  description = "KMS key for the encrypted boot volume (empty: the account's default EBS key)."
}

variable "subnet_id" {
  type    = string
  default = ""
}

locals {
  timestamp = formatdate("YYYYMMDD-hhmmss", timestamp())
}

source "amazon-ebs" "debian" {
  region        = var.region
  instance_type = "t3.small"
  subnet_id     = var.subnet_id == "" ? null : var.subnet_id

  source_ami_filter {
    filters = {
      name                = "debian-11-amd64-*"
      architecture        = "x86_64"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["136693071363"] # Debian
    most_recent = true
  }

  ssh_username = "admin"
  ssh_timeout  = "10m"

  ami_name        = "${var.name_prefix}-${local.timestamp}"
  ami_description = "Debian 11 hardened to ANSSI BP-028 (anssi_np_nt28_average, ami-bakery)"
  encrypt_boot    = true
  kms_key_id      = var.kms_key_id == "" ? null : var.kms_key_id
  imds_support    = "v2.0"

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  tags = {
    Name                  = "${var.name_prefix}-${local.timestamp}"
    "ami-bakery:os"       = "debian-11"
    "ami-bakery:profile"  = "anssi_np_nt28_average"
    "ami-bakery:base-ami" = "{{ .SourceAMI }}"
  }
}

build {
  sources = ["source.amazon-ebs.debian"]

  provisioner "shell" {
    script          = "scripts/os-update.sh"
    execute_command = "sudo -E sh '{{ .Path }}'"
  }

  # The ANSSI hardening: every change is commented with the ANSSI BP-028 recommendation it implements
  # (# ANSSI BP28(R23)), which is how action-scan puts a failing rule's annotation on its line.
  provisioner "shell" {
    scripts = [
      "scripts/hardening/10-kernel.sh",
      "scripts/hardening/20-packages.sh",
      "scripts/hardening/30-accounts.sh",
    ]
    execute_command = "sudo -E sh '{{ .Path }}'"
  }

  post-processor "manifest" {
    output     = "packer-manifest.json"
    strip_path = true
  }
}
