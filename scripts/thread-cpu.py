#!/usr/bin/env python3
"""Per-thread CPU (and time spent runnable but waiting for a CPU) of the benchmark JVM and the Kafka broker, from /proc (native threads included).

  scripts/thread-cpu.py record FILE            # every 2 s until stopped; start it beside scripts/benchmark.sh
  scripts/thread-cpu.py report FILE FROM TO    # cores per thread between FROM and TO seconds before the last sample

Threads are grouped by name with digits folded (e.g. all 'GC Thread#N'); the machine line is /proc/stat.
"""
import json
import os
import re
import sys
import time


def processes():
    """pid -> 'bench' or 'kafka' for the benchmark JVM and the broker."""
    found = {}
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            cmd = open(f'/proc/{pid}/cmdline', 'rb').read().replace(b'\0', b' ').decode(errors='replace')
        except OSError:
            continue
        if 'dev.prescale.job.bench.JobBenchmark' in cmd:
            found[pid] = 'bench'
        elif 'kafka.Kafka ' in cmd or cmd.rstrip().endswith('kafka.Kafka') or 'server.properties' in cmd:
            found[pid] = 'kafka'
    return found


def sample():
    rows = {}
    for pid, name in processes().items():
        try:
            tids = os.listdir(f'/proc/{pid}/task')
        except OSError:
            continue
        for tid in tids:
            try:
                stat = open(f'/proc/{pid}/task/{tid}/stat').read()
            except OSError:
                continue
            comm = stat[stat.index('(') + 1:stat.rindex(')')]
            fields = stat[stat.rindex(')') + 2:].split()
            try:
                # run_delay: ns spent runnable, waiting for a CPU (preempted or not yet scheduled)
                delay = int(open(f'/proc/{pid}/task/{tid}/schedstat').read().split()[1])
            except (OSError, IndexError, ValueError):
                delay = 0
            rows[f'{name}:{tid}'] = (comm, int(fields[11]) + int(fields[12]), delay)  # utime + stime, in ticks
    return rows


def record(path):
    with open(path, 'w') as out:
        while True:
            machine = open('/proc/stat').readline().split()[1:9]
            out.write(json.dumps({'t': time.time(), 'rows': sample(), 'stat': machine}) + '\n')
            out.flush()
            time.sleep(2)


def report(path, before_from, before_to):
    lines = [json.loads(l) for l in open(path)]
    lines = [l for l in lines if any(k.startswith('bench') for k in l['rows'])]
    end = lines[-1]['t']
    first = min((l for l in lines if l['t'] >= end - before_from), key=lambda l: l['t'])
    last = max((l for l in lines if l['t'] <= end - before_to), key=lambda l: l['t'])
    seconds = last['t'] - first['t']
    tick = os.sysconf('SC_CLK_TCK')
    cores = {}
    waits = {}
    for key, row in last['rows'].items():
        comm, ticks = row[0], row[1]
        before = first['rows'].get(key, (comm, 0, 0))
        group = key.split(':')[0] + ':' + re.sub(r'\d+', '#', comm)
        cores[group] = cores.get(group, 0) + (ticks - before[1]) / tick / seconds
        if len(row) > 2 and len(before) > 2:
            waits[group] = waits.get(group, 0) + (row[2] - before[2]) / 1e9 / seconds
    print(f'interval {seconds:.1f} s, {sum(cores.values()):.2f} cores in all')
    d = [(int(b) - int(a)) / tick / seconds for a, b in zip(first['stat'], last['stat'])]
    print('machine: user %.2f nice %.2f system %.2f idle %.2f iowait %.2f irq %.2f softirq %.2f steal %.2f cores' % tuple(d))
    for group, c in sorted(cores.items(), key=lambda x: -x[1]):
        if c >= 0.005:
            print(f'  {c:5.2f} cores  {waits.get(group, 0):5.2f} waiting for a CPU  {group}')


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == 'record':
        record(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == 'report':
        report(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    else:
        sys.exit(__doc__)
