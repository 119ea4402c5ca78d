# Test environment for a freshly baked AMI (action-verify): one instance from var.ami_id in the
# default VPC, reachable over SSH and HTTP from the runner only. action-verify destroys it.
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "ami_id" {
  type        = string
  description = "The AMI under test (action-verify passes it)."
  validation {
    condition     = can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "ami_id must look like ami-0123456789abcdef0."
  }
}

variable "ssh_public_key" {
  type        = string
  description = "Public half of the key the workflow generated for this run (smoke checks and scan log in with it)."
}

variable "allowed_cidr" {
  type        = string
  description = "Who may reach the instance: the runner's public address as a /32."
}

variable "instance_type" {
  type        = string
  default     = ""
  description = "Empty: one of the AMI's architecture (instance_types), so an arm64 image runs on Graviton."
}

variable "instance_types" {
  type        = map(string)
  description = "The instance type for each EC2 architecture of the AMI under test."
  default = {
    x86_64 = "t3.small"
    arm64  = "t4g.small"
  }
}

variable "run_id" {
  type        = string
  default     = "local"
  description = "Names and tags the resources so a run's leftovers are easy to find. golden-ami.yml passes <run id>-<attempt>-<family>: unique per call of the workflow and per re-run."
}

# The AMI's architecture, as EC2 has it: an arm64 image on an x86_64 type would fail RunInstances.
data "aws_ami" "under_test" {
  owners = ["self"]
  filter {
    name   = "image-id"
    values = [var.ami_id]
  }
}

locals {
  instance_type = var.instance_type != "" ? var.instance_type : lookup(var.instance_types, data.aws_ami.under_test.architecture, "")
}

data "aws_vpc" "default" {
  default = true
}

resource "aws_key_pair" "verify" {
  key_name   = "ami-bakery-verify-${var.run_id}"
  public_key = var.ssh_public_key
}

resource "aws_security_group" "verify" {
  name        = "ami-bakery-verify-${var.run_id}"
  description = "ami-bakery verify: SSH and HTTP from the runner"
  vpc_id      = data.aws_vpc.default.id

  ingress {
    description = "SSH from the runner"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.allowed_cidr]
  }
  ingress {
    description = "HTTP from the runner"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = [var.allowed_cidr]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "verify" {
  ami                         = var.ami_id
  instance_type               = local.instance_type
  key_name                    = aws_key_pair.verify.key_name
  vpc_security_group_ids      = [aws_security_group.verify.id]
  associate_public_ip_address = true

  metadata_options {
    http_tokens = "required"
  }
  root_block_device {
    encrypted = true
  }
  # a tiny web page for the HTTP smoke check. The AMI id is passed base64-encoded and decoded by
  # the script: no variable is interpolated into shell syntax.
  user_data = <<-EOT
    #!/bin/sh
    apt-get install -y -q nginx-light || true
    printf '%s' '${base64encode(var.ami_id)}' | base64 -d > /var/www/html/ami.txt
  EOT

  lifecycle {
    precondition {
      condition     = local.instance_type != ""
      error_message = "No instance type for this AMI's architecture: add it to instance_types, or set instance_type."
    }
  }

  tags = {
    Name                = "ami-bakery-verify-${var.run_id}"
    "ami-bakery:verify" = var.run_id
    "ami-bakery:ami-id" = var.ami_id
  }
}

output "instance_id" {
  value = aws_instance.verify.id
}

output "public_ip" {
  value = aws_instance.verify.public_ip
}
