#!/usr/bin/env python3
"""bench/report.py judges issue 14's goals from made-up samples whose answers are known: a tool
swapped for another, or a ratio turned round, would mark a goal met that is not.
bench/run.sh runs this before measuring; by hand: python3 -m unittest bench/test_report.py"""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def report(samples, outputs, serve="150", serve_pages="1000"):
    with tempfile.TemporaryDirectory() as tmp:
        s, o = os.path.join(tmp, "s.tsv"), os.path.join(tmp, "o.tsv")
        with open(s, "w") as f:
            f.writelines("\t".join(map(str, row)) + "\n" for row in samples)
        with open(o, "w") as f:
            f.writelines("\t".join(map(str, row)) + "\n" for row in outputs)
        return subprocess.run([sys.executable, os.path.join(HERE, "report.py"), s, o, serve, serve_pages],
                              check=True, capture_output=True, text=True).stdout


def goal(text, start):
    return next(line for line in text.splitlines() if line.startswith("| " + start))


class ReportTests(unittest.TestCase):
    # wall µs, peak RSS KiB; at 1000 pages opsbook takes 200 ms, Hugo 1000 ms, the floor 100 ms.
    # CPU ms last; made unlike the wall times so a goal read from the wrong column shows.
    SAMPLES = [("floor", 1000, 100_000, 2048, 90), ("hugo", 1000, 1_000_000, 65536, 1900), ("opsbook", 1000, 200_000, 300 * 1024, 390),
               ("floor", 5000, 500_000, 2048, 450), ("hugo", 5000, 5_000_000, 65536, 9000), ("opsbook", 5000, 1_200_000, 300 * 1024, 2000)]
    OUTPUTS = [("floor", 1000, 4_000_000, 1001), ("hugo", 1000, 20_000_000, 1022),
               ("opsbook", 1000, 59_000_000, 1003), ("floor", 5000, 1, 5001),
               ("hugo", 5000, 1, 5102), ("opsbook", 5000, 1, 5003)]

    def test_each_goal_reads_the_right_tool_and_direction(self):
        text = report(self.SAMPLES, self.OUTPUTS)
        self.assertEqual(goal(text, "opsbook ≤ 0.3× Hugo"), "| opsbook ≤ 0.3× Hugo, 1000 pages | 0.20× (200 / 1000 ms) | met |")
        self.assertEqual(goal(text, "opsbook ≤ 1.5× floor"), "| opsbook ≤ 1.5× floor, 1000 pages | 2.00× (200 / 100 ms) | not met |")
        self.assertEqual(goal(text, "peak RSS"), "| peak RSS ≤ 256 MiB, 1000 pages | 300 MiB | not met |")
        self.assertEqual(goal(text, "output"), "| output ≤ 60 MB, 1000 pages | 59.0 MB | met |")
        self.assertEqual(goal(text, "5000 pages"), "| 5000 pages ≤ 5.5× the 1000-page time | 6.00× | not met |")
        self.assertEqual(goal(text, "serve"), "| serve one-page rebuild ≤ 200 ms (1000 pages) | 150 ms | met |")

    def test_cpu_ratios_are_cpu_over_cpu(self):
        row = next(line for line in report(self.SAMPLES, self.OUTPUTS).splitlines() if line.startswith("| 1000 | 0.20×"))
        self.assertEqual(row, "| 1000 | 0.20× | 2.00× | 10.00× | 0.21× | 4.33× |")

    def test_a_serve_that_never_rebuilt_is_not_met(self):
        self.assertTrue(goal(report(self.SAMPLES, self.OUTPUTS, serve="none"), "serve").endswith("| not met |"))

    def test_median_of_runs(self):
        samples = self.SAMPLES + [("opsbook", 1000, 900_000, 1024, 1), ("opsbook", 1000, 250_000, 1024, 1)]
        self.assertIn("0.25× (250 / 1000 ms)", goal(report(samples, self.OUTPUTS), "opsbook ≤ 0.3× Hugo"))


if __name__ == "__main__":
    unittest.main()
