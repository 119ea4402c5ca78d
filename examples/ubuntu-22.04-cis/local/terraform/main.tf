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

  provisioner "local-exec" {
    command = "echo ${var.ami_id} > ${var.work_dir}/ami.txt && nohup python3 -m http.server ${var.port} --bind 127.0.0.1 --directory ${var.work_dir} > ${var.work_dir}/http.log 2>&1 & echo $! > ${var.work_dir}/server.pid"
  }

  provisioner "local-exec" {
    when    = destroy
    command = "kill $(cat ${self.input.dir}/server.pid) && rm -f ${self.input.dir}/server.pid"
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
