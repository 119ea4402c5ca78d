/**
 * Suggested fixes are tried before they are offered (issue 23). Fixes run in a throwaway copy of
 * the scanned root filesystem: an overlay over it, in a private mount namespace (`unshare -m`), so
 * nothing of the copy outlives the check, even on a kill. A fix is kept as *verified* only if, in
 * that copy:
 *   - it exits 0, and its control then passes (oscap re-evaluates the rule);
 *   - the image still lets a user log in: its own sshd, started from the copy on a loopback port,
 *     accepts a key login of a probe user, and `sudo -n true` works for that user where the image
 *     has sudo;
 *   - every PAM module, package and service the fix names exists in the image after it ran;
 *   - it brings no rival of what the hardening code sets up (ntp beside chrony, …).
 * Otherwise it is "not verified", with the first reason. Needs root (mount, chroot).
 *
 * The fixes are tried together, as the suggested script runs them: all in one copy, in the script's
 * order, each with its own exit code, then one oscap run for all their rules and one login. Loading
 * the data stream is most of an oscap run (about 2 s here), so a hundred fixes cost a few runs, not a
 * hundred. A batch whose login fails is split in halves until the fix that breaks it is alone. The
 * fixes kept are then tried again together without those dropped, until a batch keeps every fix:
 * what is offered was verified beside exactly what is offered with it. Fixes that share a rule are
 * tried alone, so that no fix passes on another's work.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { exec } from '../../shared/src/exec.js';
import type { Io } from '../../shared/src/io.js';
import type { Finding } from './findings.js';
import { fightsWith, fixNames, missingNames, RIVALS } from './fix-checks.js';
import { benchmarkOrder } from './fixes.js';

const RIVAL_PACKAGES = [...new Set(RIVALS.flat())];

export interface FixVerdict {
  verified: boolean;
  /** verified: what was checked; not verified: the first reason */
  said: string;
}

/**
 * The check, as one fixed script; every value comes in as an argument, never in the script's text:
 * $1 root filesystem, $2 work dir, $3 plan file (a line "<n> <rule id>" per fix, in order; the fix
 * is $2/fix-<n>.sh), $4 port, $5 client public key, $6 client key, $7 profile, $8 data stream,
 * $9 names file, $10 companion rule ('' = none).
 */
const SCRIPT = String.raw`
set -u
root=$1 work=$2 plan=$3 port=$4 pub=$5 key=$6 profile=$7 ds=$8 names=$9 companion=\${10:-}
out=$work/status
m=$work/m
mkdir -p "$work/u" "$work/w" "$m"
mount -t overlay overlay -o "lowerdir=$root,upperdir=$work/u,workdir=$work/w" "$m" || { echo "error=overlay mount failed" >>"$out"; exit 0; }
mount --bind /dev "$m/dev" && mount -t proc proc "$m/proc"
# package managers do not download here: what a fix installs must already be in the image
mkdir -p "$m/run/amibakery-probe-bin"
for pm in apt-get apt dnf yum zypper; do
  printf '#!/bin/sh\necho "%s: not run when a fix is tried (no downloads)" >&2\nexit 100\n' "$pm" >"$m/run/amibakery-probe-bin/$pm"
  chmod 755 "$m/run/amibakery-probe-bin/$pm"
done
rules=()
while read -r n rule <&3; do
  timeout 120 chroot "$m" /usr/bin/env PATH=/run/amibakery-probe-bin:/usr/sbin:/usr/bin:/sbin:/bin /bin/bash -s <"$work/fix-$n.sh" >"$work/fix-$n.log" 2>&1 3<&-
  echo "fix-exit-$n=$?" >>"$out"
  rules+=(--rule "$rule")
done 3<"$plan"
if [ \${#rules[@]} -gt 0 ]; then
  # a companion rule whose own check reads the package database: alone, a rule whose platform does
  # is reported notapplicable by oscap-chroot 1.3 (its first dpkginfo probe fails to start)
  timeout 300 oscap-chroot "$m" xccdf eval --profile "$profile" "\${rules[@]}" \${companion:+--rule "$companion"} --results "$work/r.xml" "$ds" >"$work/oscap.log" 2>&1
  while read -r n rule <&3; do
    res=$(grep -A3 "idref=\"$rule\"" "$work/r.xml" 2>/dev/null | grep -o '<result>[a-z]*</result>' | head -1 | sed 's/<[^>]*>//g')
    echo "rule-$n=\${res:-unknown}" >>"$out"
  done 3<"$plan"
fi
while IFS= read -r n; do
  kind=\${n%%:*} name=\${n#*:} have=no
  case $kind in
    pam) for d in lib usr/lib lib64 usr/lib64; do for f in "$m/$d"/security/"$name" "$m/$d"/*/security/"$name"; do [ -e "$f" ] && have=yes; done; done ;;
    pkg) chroot "$m" dpkg-query -W -f='\${Status}' "$name" 2>/dev/null | grep -q 'install ok installed' && have=yes
         [ $have = no ] && chroot "$m" rpm -q "$name" >/dev/null 2>&1 && have=yes ;;
    unit) for d in lib/systemd/system usr/lib/systemd/system etc/systemd/system; do [ -e "$m/$d/$name.service" ] && have=yes; done ;;
  esac
  echo "have-$kind:$name=$have" >>"$out"
done <"$names"
user=amibakery-probe
chroot "$m" useradd -m -s /bin/sh "$user" >/dev/null 2>&1
install -d -m 700 "$m/home/$user/.ssh" && install -m 600 "$pub" "$m/home/$user/.ssh/authorized_keys"
chroot "$m" chown -R "$user:" "/home/$user/.ssh"
if [ -x "$m/usr/bin/sudo" ]; then
  echo "$user ALL=(ALL) NOPASSWD: ALL" >"$m/etc/sudoers.d/zz-amibakery-probe" && chmod 440 "$m/etc/sudoers.d/zz-amibakery-probe"
fi
mkdir -p "$m/run/sshd"
ssh-keygen -q -t ed25519 -N '' -f "$m/run/amibakery-probe-hostkey" >/dev/null 2>&1
chroot "$m" /usr/sbin/sshd -D -e -p "$port" -h /run/amibakery-probe-hostkey -o ListenAddress=127.0.0.1 -o PidFile=none >"$work/sshd.log" 2>&1 &
sshd=$!
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$m/run/amibakery-probe-hostkey.pub")" >"$work/known_hosts"
for i in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; kill -0 $sshd 2>/dev/null || break; sleep 0.1; done
login=failed
for i in 1 2 3; do
  r=$(ssh -i "$key" -p "$port" -o BatchMode=yes -o IdentitiesOnly=yes -o UserKnownHostsFile="$work/known_hosts" -o StrictHostKeyChecking=yes -o ConnectTimeout=5 "$user@127.0.0.1" 'echo login-ok; if command -v sudo >/dev/null 2>&1; then sudo -n true && echo sudo-ok || echo sudo-failed; else echo sudo-absent; fi' 2>>"$work/ssh.log")
  case $r in *login-ok*) login=ok; break ;; esac
  kill -0 $sshd 2>/dev/null || break
  sleep 0.5
done
echo "login=$login" >>"$out"
case \${r:-} in *sudo-ok*) echo "sudo=ok" ;; *sudo-failed*) echo "sudo=failed" ;; *sudo-absent*) echo "sudo=absent" ;; *) echo "sudo=unknown" ;; esac >>"$out"
kill $sshd 2>/dev/null
wait $sshd 2>/dev/null
exit 0
`.replace(/\\\$/g, '$');

export interface VerifyContext {
  /** the scanned root filesystem (target chroot:<dir>) */
  root: string;
  datastream: string;
  profile: string;
  /** a rule of the profile whose check reads the package database (see the script) */
  companionRule?: string;
  /** the hardening files' text: what the code sets up (for rivals) */
  codeText: string;
  workDir: string;
  signal?: AbortSignal;
}

/** A free TCP port on 127.0.0.1 for the copy's sshd. */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function readStatus(file: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : []) {
    const i = l.indexOf('=');
    if (i > 0) m.set(l.slice(0, i), l.slice(i + 1));
  }
  return m;
}

/** One fix of a batch: `n` names its files and its lines in the status file. */
interface Item {
  finding: Finding;
  n: number;
  names: string[];
}

type Tried = Awaited<ReturnType<typeof tryIn>>;

/** Run `items` in order in one copy of the image (none: only the login), then their rules and one login. */
async function tryIn(ctx: VerifyContext, batch: number, items: Item[]) {
  const work = path.join(ctx.workDir, `batch-${batch}`);
  fs.mkdirSync(work, { recursive: true });
  for (const it of items) fs.writeFileSync(path.join(work, `fix-${it.n}.sh`), it.finding.fix!);
  fs.writeFileSync(path.join(work, 'plan'), items.map((it) => `${it.n} ${it.finding.ruleId}\n`).join(''));
  const names = [...new Set(items.flatMap((it) => it.names))];
  fs.writeFileSync(path.join(work, 'names'), names.map((x) => `${x}\n`).join(''));
  const key = path.join(ctx.workDir, 'probe');
  const port = await freeLoopbackPort();
  const companion = ctx.companionRule && !items.some((it) => it.finding.ruleId === ctx.companionRule);
  const args = [
    work,
    path.join(work, 'plan'),
    String(port),
    `${key}.pub`,
    key,
    ctx.profile,
    ctx.datastream,
    path.join(work, 'names'),
    companion ? ctx.companionRule! : '',
  ];
  try {
    await exec(
      'unshare',
      ['--mount', '--propagation', 'private', 'bash', '-c', SCRIPT, 'bash', ctx.root, ...args],
      {
        // each fix has 2 minutes, the rules' oscap run 5, the login about one
        timeoutMs: (7 + 2 * items.length) * 60_000,
        signal: ctx.signal,
        processGroup: true,
      },
    );
  } finally {
    // The copy's upper layer holds every file the fixes and the login touched (a chmod copies a
    // whole file up): a hundred copies kept would fill the disk. The mount namespace is gone; keep the logs.
    for (const d of ['u', 'w', 'm']) fs.rmSync(path.join(work, d), { recursive: true, force: true });
  }
  const status = readStatus(path.join(work, 'status'));
  const tail = (f: string) =>
    fs.existsSync(path.join(work, f))
      ? fs.readFileSync(path.join(work, f), 'utf8').trim().split('\n').slice(-3).join(' | ')
      : '';
  return {
    status,
    sshLog: tail('ssh.log'),
    sshdLog: tail('sshd.log'),
    fixLog: (n: number) => tail(`fix-${n}.log`),
  };
}

/** Whether the image's sshd lets the probe user in before any fix: if not, no fix can be judged by a login. */
async function baseline(ctx: VerifyContext): Promise<string | undefined> {
  const r = await tryIn(ctx, 0, []);
  if (r.status.get('error')) return r.status.get('error');
  if (r.status.get('login') !== 'ok')
    return `the image's own sshd refuses a key login of a probe user even before any fix (${r.sshdLog || r.sshLog || 'no log'})`;
  if (r.status.get('sudo') === 'failed') return 'sudo -n true fails for a sudoer even before any fix';
  return undefined;
}

const loginHolds = (r: Tried) => r.status.get('login') === 'ok' && r.status.get('sudo') !== 'failed';

/** One fix's verdict from its batch's run; `others`: how many fixes ran beside it. */
function judge(r: Tried, it: Item, others: number, ctx: VerifyContext): FixVerdict {
  const s = r.status;
  const fix = it.finding.fix!;
  if (s.get('error')) return { verified: false, said: `not verified: ${s.get('error')}` };
  const exit = s.get(`fix-exit-${it.n}`);
  if (exit !== '0')
    return {
      verified: false,
      said: `not verified: the fix exits ${exit ?? 'unknown'} in a copy of the image (${r.fixLog(it.n)})`,
    };
  if (s.get(`rule-${it.n}`) !== 'pass')
    return {
      verified: false,
      said: `not verified: the control still does not pass after the fix (result ${s.get(`rule-${it.n}`) ?? 'unknown'})`,
    };
  const names = fixNames(fix);
  const has = (kind: string) => (x: string) => s.get(`have-${kind}:${x}`) === 'yes';
  const missing = missingNames(names, { pam: has('pam'), pkg: has('pkg'), unit: has('unit') });
  if (s.get('login') !== 'ok')
    return {
      verified: false,
      said: `not verified: breaks ssh login${missing.length ? ` (${missing[0]})` : ''}: the image's sshd refuses the probe user's key after the fix`,
    };
  if (s.get('sudo') === 'failed')
    return {
      verified: false,
      said: `not verified: breaks sudo${missing.length ? ` (${missing[0]})` : ''}: sudo -n true fails after the fix`,
    };
  if (missing.length) return { verified: false, said: `not verified: ${missing.join('; ')}` };
  const rivals = fightsWith(names, (t) => new RegExp(`\\b${t}\\b`).test(ctx.codeText), has('pkg'));
  if (rivals.length)
    return { verified: false, said: `not verified: fights another control: ${rivals.join('; ')}` };
  const beside = others ? ` with the ${others} other offered fix(es) applied in the script's order` : '';
  return {
    verified: true,
    said: `verified in a copy of the image: the control passes${beside}, a key login works${s.get('sudo') === 'ok' ? ', sudo -n true works' : ' (the image has no sudo)'}, everything it names exists, and it fights nothing the code sets up`,
  };
}

/** Runs the functions given to it at most `max` at a time, the rest waiting in order. */
function limiter(max: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    while (running >= max) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * The verdict of each fix of `items`, tried together; a batch whose login (or sudo) fails is split
 * in halves, tried apart, until the fix that breaks it is alone and judged as such. `whole`: the
 * batch ran as one, its login held.
 */
async function tryBatch(
  ctx: VerifyContext,
  items: Item[],
  slot: ReturnType<typeof limiter>,
  seq: { n: number },
): Promise<{ verdicts: Map<Item, FixVerdict>; whole: boolean }> {
  const r = await slot(() => tryIn(ctx, ++seq.n, items));
  if (!r.status.get('error') && !loginHolds(r) && items.length > 1) {
    const half = Math.ceil(items.length / 2);
    const parts = await Promise.all(
      [items.slice(0, half), items.slice(half)].map((p) => tryBatch(ctx, p, slot, seq)),
    );
    return { verdicts: new Map(parts.flatMap((p) => [...p.verdicts])), whole: false };
  }
  return { verdicts: new Map(items.map((it) => [it, judge(r, it, items.length - 1, ctx)])), whole: true };
}

/**
 * Tries each finding's fix (`finding.fix`) and records the verdict on it (`finding.fixVerdict`).
 * `limit`: at most this many are tried; the rest are said to be not tried.
 */
export async function verifyFixes(
  io: Io,
  findings: Finding[],
  ctx: VerifyContext,
  limit = 100,
): Promise<void> {
  const withFix = findings.filter((f) => f.fix && f.status === 'fail');
  if (!withFix.length) return;
  const key = path.join(ctx.workDir, 'probe');
  fs.mkdirSync(ctx.workDir, { recursive: true });
  await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const before = await baseline(ctx);
  if (before) {
    io.warning(`Suggested fixes: none can be verified: ${before}.`);
    for (const f of withFix) f.fixVerdict = { verified: false, said: `not verified: ${before}` };
    return;
  }
  const tried = withFix.slice(0, limit);
  for (const f of withFix.slice(limit))
    f.fixVerdict = {
      verified: false,
      said: `not verified: not tried (at most ${limit} fixes are tried per scan)`,
    };
  const n = tried.length;
  const items: Item[] = [...tried].sort(benchmarkOrder).map((f, i) => {
    const names = fixNames(f.fix!);
    const list = [
      ...names.pamModules.map((x) => `pam:${x}`),
      ...names.packages.map((x) => `pkg:${x}`),
      ...names.services.map((x) => `unit:${x}`),
      ...RIVAL_PACKAGES.map((x) => `pkg:${x}`),
    ];
    return { finding: f, n: i + 1, names: [...new Set(list)] };
  });
  // fixes that share a rule are tried alone: together, one could pass on another's work
  const perRule = new Map<string, number>();
  for (const it of items) perRule.set(it.finding.ruleId, (perRule.get(it.finding.ruleId) ?? 0) + 1);
  const alone = items.filter((it) => perRule.get(it.finding.ruleId)! > 1);
  // at most two copies at a time: each runs oscap, and there are two cores here
  const slot = limiter(2);
  const seq = { n: 0 };
  const verdicts = new Map<Item, FixVerdict>();
  await Promise.all(
    alone.map(async (it) => {
      for (const [k, v] of (await tryBatch(ctx, [it], slot, seq)).verdicts) verdicts.set(k, v);
    }),
  );
  // the rest together; then those kept, again together, until a batch keeps every fix in it
  let set = items.filter((it) => !alone.includes(it));
  for (let round = 1; set.length; round++) {
    const { verdicts: got, whole } = await tryBatch(ctx, set, slot, seq);
    for (const [k, v] of got) verdicts.set(k, v);
    const kept = set.filter((it) => got.get(it)!.verified);
    if (kept.length === set.length && whole) break;
    const refuse = (said: string) => {
      for (const it of kept) verdicts.set(it, { verified: false, said: `not verified: ${said}` });
    };
    if (kept.length === set.length) {
      // each half lets the user in, the whole does not: offering them together would lock users out
      refuse(
        `together with the other ${set.length - 1} fix(es) it breaks the ssh login, though each half of them does not: try them a few at a time`,
      );
      io.warning(
        `Suggested fixes: ${set.length} fixes together break the ssh login of a copy of the image, though each half of them does not; none of them is offered.`,
      );
      break;
    }
    if (round === 4) {
      refuse('its control passed only beside fixes that are not offered');
      break;
    }
    set = kept;
  }
  for (const it of items) it.finding.fixVerdict = verdicts.get(it)!;
  const ok = withFix.filter((f) => f.fixVerdict?.verified).length;
  io.info(
    `Suggested fixes: ${ok} of ${n} tried verified in a copy of the image (${withFix.length - n} not tried; ${seq.n} cop${seq.n === 1 ? 'y' : 'ies'}, each fix beside the others it is offered with)`,
  );
}
