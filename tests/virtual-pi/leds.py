#!/usr/bin/env python3
"""Checks the LED sequence one emulated Pi drove during an exchange, from the lab GPIO record.

  leds.py <gpio record> <server|client> [first line]   (LEDs on BCM lines 17, 27, 22)

Record lines (module/pisquare_lab.c): "<ns> <line> <0|1>" or "<ns> <line> dir <in|out>".
The exchange starts at [first line] (1 = the whole record; the lines before it only give each LED's
state at the start) and the record ends after it (docs/wiring.md, "What you see"). What must hold,
whatever the speed of the emulated CPU:
  - the activity LED flashed (on, then off again) at least 3 times, and every flash was short
    (a flash is 40 ms; under emulation up to 1 s is tolerated);
  - the status LED was on when the first flash started (listening/connected, then the exchange);
  - the error LED never came on.
(The client's "done" blinking is not checked: the command-line client exits right after its
summary, so the record ends with its last square.)
Prints what it saw; exit 0 when all hold, 1 otherwise, 2 on bad arguments.
"""
import sys


def read(path, first=1):
    """(changes before line <first>, changes from it on)."""
    before, events = [], []
    with open(path, encoding="ascii", errors="replace") as f:
        for number, raw in enumerate(f, start=1):
            parts = raw.split()
            if len(parts) == 3 and parts[2] in ("0", "1"):
                (events if number >= first else before).append((int(parts[0]), int(parts[1]), int(parts[2])))
    return before, events


def flashes(events, line):
    """(start, end) of every completed on-pulse of a line."""
    pulses, start = [], None
    for ns, ln, value in events:
        if ln != line:
            continue
        if value == 1 and start is None:
            start = ns
        elif value == 0 and start is not None:
            pulses.append((start, ns))
            start = None
    return pulses


def state_at(events, line, when):
    """The line's value just before <when>; None when it never changed before then."""
    value = None
    for ns, ln, v in events:
        if ns >= when:
            break
        if ln == line:
            value = v
    return value


def main(argv):
    if len(argv) not in (3, 4) or argv[2] not in ("server", "client"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    role = argv[2]
    status, activity, error = 17, 27, 22
    before, events = read(argv[1], int(argv[3]) if len(argv) == 4 else 1)
    problems = []
    pulses = flashes(events, activity)
    longest = max((e - s for s, e in pulses), default=0)
    print(f"{role}: {len(events)} changes; activity GPIO{activity}: {len(pulses)} flashes, "
          f"longest {longest / 1e6:.0f} ms; error GPIO{error}: "
          f"{sum(1 for _, ln, v in events if ln == error and v == 1)} times on")
    if len(pulses) < 3:
        problems.append(f"activity LED flashed {len(pulses)} times (expected at least 3)")
    if longest > 1_000_000_000:
        problems.append(f"an activity flash lasted {longest / 1e6:.0f} ms (a flash is 40 ms)")
    if pulses and state_at(before + events, status, pulses[0][0]) != 1:
        problems.append(f"status LED GPIO{status} was not on when the first square flashed")
    if any(ln == error and v == 1 for _, ln, v in events):
        problems.append(f"error LED GPIO{error} came on")
    for p in problems:
        print(f"  {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
