#!/usr/bin/env python3
"""Prints the LED timeline of one emulated Pi from the lab GPIO chip's record.

Input lines (module/pisquare_lab.c): "<ns> <line> <0|1>" or "<ns> <line> dir <in|out>".
Output: one row per line that was driven, time running left to right in fixed slots
('#' on, '.' off, '|' several changes inside one slot), then the list of changes (first 40).
"""
import sys

WIDTH = 100


def main(path: str) -> int:
    events = []
    with open(path, encoding="ascii", errors="replace") as f:
        for raw in f:
            parts = raw.split()
            if len(parts) == 3 and parts[2] in ("0", "1"):
                events.append((int(parts[0]), int(parts[1]), int(parts[2])))
    if not events:
        print("(no LED line changed)")
        return 0
    t0, t1 = events[0][0], events[-1][0]
    span = max(t1 - t0, 1)
    lines = sorted({e[1] for e in events})
    print(f"{len(events)} changes over {span / 1e9:.2f} s, one column = {span / WIDTH / 1e6:.0f} ms")
    for line in lines:
        row = ["."] * WIDTH
        changes = [0] * WIDTH
        state = 0
        mine = [e for e in events if e[1] == line]
        i = 0
        for col in range(WIDTH):
            end = t0 + span * (col + 1) / WIDTH
            while i < len(mine) and mine[i][0] <= end:
                state = mine[i][2]
                changes[col] += 1
                i += 1
            row[col] = "|" if changes[col] > 1 else ("#" if state else ".")
        print(f"GPIO{line:<3} {''.join(row)}")
    for ns, line, value in events[:40]:
        print(f"  +{(ns - t0) / 1e6:10.1f} ms  GPIO{line} {'on' if value else 'off'}")
    if len(events) > 40:
        print(f"  ... {len(events) - 40} more")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
