"""Times commands in turn: each round runs every command once, as a whole process, so that
a machine shared with others slows them alike (BENCHMARKS.md, issue 13).

    python benches/alternate.py ROUNDS NAME1 'COMMAND1' NAME2 'COMMAND2' ...

The first round is a warm-up. For each command it prints the median wall time (and the
mean ± standard deviation), the median CPU time (user + system, from `wait4`), the peak
RSS, and the median over the rounds of the first command's wall time over this one's.
The rounds' raw figures are written to alternate-last.json in the current folder.
"""

import json
import os
import shlex
import statistics
import sys
import time


def main():
    rounds = int(sys.argv[1])
    args = sys.argv[2:]
    commands = [(args[i], shlex.split(args[i + 1])) for i in range(0, len(args), 2)]
    results = {name: [] for name, _ in commands}
    devnull = os.open(os.devnull, os.O_WRONLY)
    quiet = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    for r in range(rounds + 1):
        for name, argv in commands:
            start = time.perf_counter()
            pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=quiet)
            _, _, usage = os.wait4(pid, 0)
            wall = time.perf_counter() - start
            if r > 0:
                cpu = usage.ru_utime + usage.ru_stime
                results[name].append((wall, cpu, usage.ru_maxrss / 1024))
    with open("alternate-last.json", "w") as f:
        json.dump(results, f)
    first = commands[0][0]
    for name, _ in commands:
        wall = [x[0] for x in results[name]]
        cpu = [x[1] for x in results[name]]
        peak = max(x[2] for x in results[name])
        ratio = statistics.median(a[0] / b[0] for a, b in zip(results[first], results[name]))
        print(
            f"{name:28s} wall median {statistics.median(wall) * 1000:8.1f} ms "
            f"(mean {statistics.mean(wall) * 1000:.1f} ± {statistics.stdev(wall) * 1000:.1f})  "
            f"cpu median {statistics.median(cpu) * 1000:7.1f} ms  peak {peak:.1f} MB  "
            f"{first}/this per round: median {ratio:.3f}"
        )


if __name__ == "__main__":
    main()
