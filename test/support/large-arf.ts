/**
 * Makes large ARF files shaped like real oscap output: the recorded real ARF, with its first OVAL
 * report's system characteristics grown by synthetic `textfilecontent_item`s and `file_item`s (in
 * real scans those make up most of a 50–100 MB ARF). Rule results are unchanged, so a parse of the
 * large file must give exactly the counts of the fixture.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

export function generateLargeArf(fixtureGz: string, outFile: string, targetBytes: number): number {
  const xml = zlib.gunzipSync(fs.readFileSync(fixtureGz)).toString('utf8');
  const anchor = xml.indexOf('<system_data>');
  if (anchor < 0) throw new Error('fixture has no <system_data>');
  const insertAt = anchor + '<system_data>'.length;
  const head = xml.slice(0, insertAt);
  const tail = xml.slice(insertAt);
  const fd = fs.openSync(outFile, 'w');
  try {
    fs.writeSync(fd, head);
    let written = Buffer.byteLength(head) + Buffer.byteLength(tail);
    let id = 90_000_000;
    const text = 'net.ipv4.conf.all.accept_redirects = 0\n'.repeat(20);
    const chunk: string[] = [];
    while (written < targetBytes) {
      id++;
      const item =
        id % 2
          ? `\n                  <ind-sys:textfilecontent_item id="${id}" status="exists">\n                    <ind-sys:filepath>/etc/sysctl.d/${id}.conf</ind-sys:filepath>\n                    <ind-sys:path>/etc/sysctl.d</ind-sys:path>\n                    <ind-sys:filename>${id}.conf</ind-sys:filename>\n                    <ind-sys:pattern>^[\\s]*net.ipv4.conf.all.accept_redirects[\\s]*=[\\s]*(\\d+)$</ind-sys:pattern>\n                    <ind-sys:instance datatype="int">1</ind-sys:instance>\n                    <ind-sys:text>${text}</ind-sys:text>\n                    <ind-sys:subexpression>0</ind-sys:subexpression>\n                  </ind-sys:textfilecontent_item>`
          : `\n                  <unix-sys:file_item id="${id}" status="exists">\n                    <unix-sys:filepath>/usr/lib/x86_64-linux-gnu/lib${id}.so</unix-sys:filepath>\n                    <unix-sys:path>/usr/lib/x86_64-linux-gnu</unix-sys:path>\n                    <unix-sys:filename>lib${id}.so</unix-sys:filename>\n                    <unix-sys:type>regular</unix-sys:type>\n                    <unix-sys:group_id datatype="int">0</unix-sys:group_id>\n                    <unix-sys:user_id datatype="int">0</unix-sys:user_id>\n                    <unix-sys:size datatype="int">${id % 65536}</unix-sys:size>\n                    <unix-sys:uread datatype="boolean">true</unix-sys:uread>\n                    <unix-sys:uwrite datatype="boolean">true</unix-sys:uwrite>\n                    <unix-sys:oread datatype="boolean">true</unix-sys:oread>\n                  </unix-sys:file_item>`;
      chunk.push(item);
      written += Buffer.byteLength(item);
      if (chunk.length >= 2000) {
        fs.writeSync(fd, chunk.join(''));
        chunk.length = 0;
      }
    }
    if (chunk.length) fs.writeSync(fd, chunk.join(''));
    fs.writeSync(fd, tail);
  } finally {
    fs.closeSync(fd);
  }
  return fs.statSync(outFile).size;
}
