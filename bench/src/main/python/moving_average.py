#!/usr/bin/env python3
"""The baseline for `./pulse moving-average`: the same moving average as a plain single-file Python 3 script.

For every minute from the first event's minute to one past the last event's minute, prints the average `duration`
of the events with a timestamp in [minute - window_size minutes, minute), 0 when there are none.

    python3 moving_average.py --input_file events.json --window_size 10
"""
import argparse
import json
from datetime import datetime, timedelta

MINUTE = timedelta(minutes=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input_file", required=True)
    parser.add_argument("--window_size", type=int, required=True)
    args = parser.parse_args()

    # minute -> [sum of durations, number of events]
    buckets = {}
    with open(args.input_file, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            event = json.loads(line)
            minute = datetime.fromisoformat(event["timestamp"]).replace(second=0, microsecond=0)
            bucket = buckets.setdefault(minute, [0, 0])
            bucket[0] += event["duration"]
            bucket[1] += 1
    if not buckets:
        return

    window = [MINUTE * i for i in range(args.window_size, 0, -1)]
    minute, end = min(buckets), max(buckets) + MINUTE
    while minute <= end:
        total, count = 0, 0
        for back in window:
            bucket = buckets.get(minute - back)
            if bucket:
                total += bucket[0]
                count += bucket[1]
        average = total / count if count else 0
        if isinstance(average, float) and average.is_integer():
            average = int(average)
        print(json.dumps({"date": str(minute), "average_delivery_time": average}))
        minute += MINUTE


if __name__ == "__main__":
    main()
