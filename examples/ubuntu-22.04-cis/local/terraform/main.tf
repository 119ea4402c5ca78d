# The local stand-in for ../../terraform used by `npm run demo`: no provider download, no account.
# The "instance" is an HTTP server on 127.0.0.1 (started by local-exec, stopped on destroy) that
# serves the AMI id, like the real environment's web page; instance_id is the sandbox instance
# the demo launched from the AMI, whose EC2 status checks action-verify waits for.
variable "ami_id" {
  type = string
}

variable "port" {
  type = number
}

variable "work_dir" {
  type = string
}

variable "instance_id" {
  type    = string
  default = ""
}

resource "terraform_data" "instance" {
  input = { port = var.port, dir = var.work_dir, ami = var.ami_id }

  # Values reach the shell as environment variables, never interpolated into the command line.
  # setsid: the server is the "instance", not a child of this apply (a stopped apply's children are
  # terminated with it).
  provisioner "local-exec" {
    command = "echo \"$AMI_ID\" > \"$WORK_DIR/ami.txt\" && setsid nohup python3 -m http.server \"$PORT\" --bind 127.0.0.1 --directory \"$WORK_DIR\" > \"$WORK_DIR/http.log\" 2>&1 & echo $! > \"$WORK_DIR/server.pid\""
    environment = {
      AMI_ID   = var.ami_id
      WORK_DIR = var.work_dir
      PORT     = var.port
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = "kill \"$(cat \"$WORK_DIR/server.pid\")\" && rm -f \"$WORK_DIR/server.pid\""
    environment = {
      WORK_DIR = self.input.dir
    }
  }
}

output "instance_id" {
  value = var.instance_id
}

output "public_ip" {
  value = "127.0.0.1"
}

output "http_port" {
  value = var.port
}
