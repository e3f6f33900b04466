#!/usr/bin/env python3
"""Rewrites banks made by `examples/bank_scale mixed` so that many prompts are near
duplicates: the similar-prompt lint then has thousands of findings to get right.

    python3 scripts/near_duplicates.py SRC_DIR DST_DIR [SEED]

Each prompt is, with probability 1/4, a copy of one of the 5,000 prompts before it with
one edit (none, a word dropped, a word added, a word replaced), with probability 1/20 a
long prompt of 25 to 49 words from 300 words (so that prompts both under and over 32
words are compared), else left as it is. Deterministic for a given seed. BENCHMARKS.md
compares `validate --json` of two builds on the result, byte for byte.
"""
import glob
import os
import random
import re
import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    os.makedirs(dst, exist_ok=True)
    pool = []

    def mutate(m):
        words = m.group(1).rstrip("?").split(" ")
        r = random.random()
        if pool and r < 0.25:
            base = list(random.choice(pool[-5000:]))
            op = random.random()
            if op < 0.2:
                pass
            elif op < 0.5 and len(base) > 2:
                del base[random.randrange(len(base))]
            elif op < 0.8:
                base.insert(random.randrange(len(base) + 1), "w%d" % random.randrange(6000))
            else:
                base[random.randrange(len(base))] = "w%d" % random.randrange(6000)
            words = base
        elif r < 0.30:
            words = ["w%d" % random.randrange(300) for _ in range(random.randrange(25, 50))]
        pool.append(words)
        return 'prompt: "%s?"' % " ".join(words)

    for f in sorted(glob.glob(os.path.join(src, "*.ron"))):
        with open(f) as inp:
            text = re.sub(r'prompt: "([^"]*)"', mutate, inp.read())
        with open(os.path.join(dst, os.path.basename(f)), "w") as out:
            out.write(text)


if __name__ == "__main__":
    main()
