# Golden Ubuntu 22.04 AMI hardened to the CIS Level 1 Server benchmark.
# Used by the golden-ami workflow (action-bake): packer init / validate / build.
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

variable "ami_regions" {
  type        = list(string)
  default     = []
  description = "Extra regions Packer copies the AMI to (action-promote does the full fan-out)."
}

variable "name_prefix" {
  type    = string
  default = "golden-ubuntu-22.04-cis"
}

variable "kms_key_id" {
  type        = string
  default     = ""
  description = "KMS key for the encrypted boot volume (empty: the account's default EBS key)."
}

variable "instance_type" {
  type    = string
  default = "t3.small"
}

variable "instance_type_arm64" {
  type        = string
  default     = "t4g.small"
  description = "Instance type of the arm64 (Graviton) build."
}

variable "subnet_id" {
  type    = string
  default = ""
}

variable "scap_content_version" {
  type        = string
  default     = "0.1.76"
  description = "ComplianceAsCode release whose ssg-ubuntu2204-ds.xml the build scans with."
}

variable "results_dir" {
  type        = string
  default     = "scan-results"
  description = "Where the OpenSCAP results of the build instance are downloaded to (for action-scan)."
}

locals {
  timestamp = formatdate("YYYYMMDD-hhmmss", timestamp())
}

source "amazon-ebs" "ubuntu" {
  region        = var.region
  instance_type = var.instance_type
  subnet_id     = var.subnet_id == "" ? null : var.subnet_id

  source_ami_filter {
    filters = {
      name                = "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"
      architecture        = "x86_64"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["099720109477"] # Canonical
    most_recent = true
  }

  ssh_username = "ubuntu"
  ssh_timeout  = "10m"

  ami_name        = "${var.name_prefix}-${local.timestamp}"
  ami_description = "Ubuntu 22.04 hardened to CIS Level 1 Server (ami-bakery)"
  ami_regions     = var.ami_regions
  encrypt_boot    = true
  kms_key_id      = var.kms_key_id == "" ? null : var.kms_key_id
  imds_support    = "v2.0"

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  launch_block_device_mappings {
    device_name           = "/dev/sda1"
    volume_size           = 16
    volume_type           = "gp3"
    encrypted             = true
    delete_on_termination = true
  }

  tags = {
    Name                  = "${var.name_prefix}-${local.timestamp}"
    "ami-bakery:os"       = "ubuntu-22.04"
    "ami-bakery:profile"  = "cis_level1_server"
    "ami-bakery:base-ami" = "{{ .SourceAMI }}"
  }
  run_tags = {
    Name = "packer-${var.name_prefix}"
  }
}

# The same image for arm64 (Graviton): a build of its own, with its own base AMI and fingerprint.
# examples/images.yml bakes each architecture in a call of its own (only amazon-ebs.ubuntu-arm64).
source "amazon-ebs" "ubuntu-arm64" {
  region        = var.region
  instance_type = var.instance_type_arm64
  subnet_id     = var.subnet_id == "" ? null : var.subnet_id

  source_ami_filter {
    filters = {
      name                = "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-arm64-server-*"
      architecture        = "arm64"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["099720109477"] # Canonical
    most_recent = true
  }

  ssh_username = "ubuntu"
  ssh_timeout  = "10m"

  ami_name        = "${var.name_prefix}-arm64-${local.timestamp}"
  ami_description = "Ubuntu 22.04 hardened to CIS Level 1 Server (ami-bakery)"
  ami_regions     = var.ami_regions
  encrypt_boot    = true
  kms_key_id      = var.kms_key_id == "" ? null : var.kms_key_id
  imds_support    = "v2.0"

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  launch_block_device_mappings {
    device_name           = "/dev/sda1"
    volume_size           = 16
    volume_type           = "gp3"
    encrypted             = true
    delete_on_termination = true
  }

  tags = {
    Name                  = "${var.name_prefix}-arm64-${local.timestamp}"
    "ami-bakery:os"       = "ubuntu-22.04"
    "ami-bakery:profile"  = "cis_level1_server"
    "ami-bakery:base-ami" = "{{ .SourceAMI }}"
  }
  run_tags = {
    Name = "packer-${var.name_prefix}-arm64"
  }
}

build {
  sources = ["source.amazon-ebs.ubuntu", "source.amazon-ebs.ubuntu-arm64"]

  # OS updates first, then a reboot so the hardening runs on the updated kernel.
  provisioner "shell" {
    script          = "scripts/os-update.sh"
    execute_command = "sudo -E sh '{{ .Path }}'"
  }
  provisioner "shell" {
    inline            = ["sudo reboot"]
    expect_disconnect = true
  }

  # The CIS hardening: every change is commented with the CIS ID it implements, which is how
  # action-scan puts a failing control's annotation on the line that should have fixed it.
  provisioner "shell" {
    scripts = [
      "scripts/hardening/10-filesystems.sh",
      "scripts/hardening/20-boot-and-processes.sh",
      "scripts/hardening/30-network.sh",
      "scripts/hardening/40-logging-and-cron.sh",
      "scripts/hardening/50-ssh.sh",
      "scripts/hardening/60-accounts.sh",
      "scripts/hardening/70-file-permissions.sh",
    ]
    execute_command   = "sudo -E sh '{{ .Path }}'"
    pause_before      = "10s"
    expect_disconnect = false
  }

  # OpenSCAP's CIS profile on the build instance itself; the ARF comes back to the runner.
  provisioner "shell" {
    script           = "scripts/openscap-scan.sh"
    environment_vars = ["SCAP_CONTENT_VERSION=${var.scap_content_version}"]
    execute_command  = "sudo -E sh '{{ .Path }}'"
  }
  provisioner "file" {
    direction   = "download"
    source      = "/var/tmp/ami-bakery/results-arf.xml"
    destination = "${var.results_dir}/results-arf.xml"
  }
  provisioner "shell" {
    inline          = ["rm -rf /var/tmp/ami-bakery /tmp/scap"]
    execute_command = "sudo -E sh -c '{{ .Vars }} {{ .Path }}'"
  }

  post-processor "manifest" {
    output     = "packer-manifest.json"
    strip_path = true
  }
}
