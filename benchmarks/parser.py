"""How fast the VE.Direct parser is, next to vedirect-m8, and what the serial link costs at 19200 baud.

    .venv/bin/python benchmarks/parser.py [--repeat N] [--link-seconds S]

Figures printed:
- blocks per second of hardware.protocol.BlockParser and of vedirect-m8's byte-wise
  ``Vedirect.input_read`` state machine, on the same stream (the three real captures in
  ../shared/vectors, concatenated and repeated), and how many blocks each one found;
- the CPU share of one core that a Link needs reading a pseudo-terminal fed at the line rate of
  19200 baud (1920 bytes/s), measured in a child process so nothing else is counted.
"""
from __future__ import annotations

import argparse
import multiprocessing.connection
import os
import time
from pathlib import Path

from hardware.protocol import BlockParser

LINE_BYTES_PER_S = 19200 // 10  # 8N1: ten bit times per byte
VECTORS = Path(__file__).resolve().parents[2] / "shared" / "vectors"
CAPTURES = ("bluesolar_1.23.dump", "bmv702.dump", "smartsolar_1.39.dump")


def load_stream(repeat: int) -> bytes:
    return b"".join((VECTORS / name).read_bytes() for name in CAPTURES) * repeat


def ours(stream: bytes, chunk: int) -> int:
    parser, found = BlockParser(), 0
    for start in range(0, len(stream), chunk):
        found += len(parser.feed(stream[start:start + chunk]))
    return found


def vedirect_m8(stream: bytes) -> int:
    from vedirect_m8.vedirect import Vedirect

    # No port and auto_start=False: only its parser state machine is used.
    reader = Vedirect(serial_conf={"serial_port": None, "baud": 19200, "timeout": 0},
                      auto_start=False, max_packet_blocks=None)
    found = 0
    for value in stream:
        if reader.input_read(bytes((value,))) is not None:
            found += 1
    return found


def best_rate(run, stream: bytes, rounds: int = 3) -> tuple[float, int]:
    """Blocks per second of the best of ``rounds`` runs, and the blocks found."""
    timings, found = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        found = run(stream)
        timings.append(time.perf_counter() - started)
    return found / min(timings), found


def parser_figures(repeat: int) -> None:
    stream = load_stream(repeat)
    print(f"stream: the 3 real captures x{repeat} = {len(stream):,} bytes")
    m8_rate, m8_found = best_rate(vedirect_m8, stream, rounds=1)
    print(f"  vedirect-m8 Vedirect.input_read (byte-wise): {m8_rate:>10,.0f} blocks/s, found {m8_found:,}")
    for chunk in (1, 64, 256, 4096):
        rate, found = best_rate(lambda data: ours(data, chunk), stream)
        print(f"  hardware.protocol, reads of {chunk:>4} bytes:    {rate:>10,.0f} blocks/s, found {found:,}"
              f"  ({rate / m8_rate:,.1f}x vedirect-m8)")


def _link_child(port: str, seconds: float, results: "multiprocessing.connection.Connection") -> None:
    from hardware.link import Link

    blocks = []
    with Link(port, lambda name, fields, at: blocks.append(fields)):
        started = time.process_time()
        time.sleep(seconds)
        cpu = time.process_time() - started
    results.send((cpu / seconds, len(blocks)))


def link_cpu_share(seconds: float) -> None:
    """A Link in a child process reads a pseudo-terminal that this process feeds with the real
    captures at 1920 bytes/s; the child reports its own CPU time over the run."""
    import multiprocessing
    import tty

    master, slave = os.openpty()
    tty.setraw(slave)
    receiver, sender = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_link_child, args=(os.ttyname(slave), seconds, sender))
    child.start()
    time.sleep(0.5)  # let it open the port: bytes written before that are lost on a pty
    # A USB serial adapter hands bytes over in bursts every ~16 ms (FTDI's default latency timer).
    stream, tick, position = load_stream(1), 0.016, 0
    next_write = time.monotonic()
    while child.is_alive() and not receiver.poll():
        chunk = stream[position:position + int(LINE_BYTES_PER_S * tick)]
        os.write(master, chunk)
        position = (position + len(chunk)) % len(stream)
        next_write += tick
        time.sleep(max(0.0, next_write - time.monotonic()))
    share, blocks = receiver.recv()
    child.join()
    os.close(master)
    os.close(slave)
    print(f"link at 19200 baud ({LINE_BYTES_PER_S} bytes/s) for {seconds:.0f} s: {blocks} blocks, "
          f"CPU {share * 100:.2f} % of one core (reader thread + parser, in a child process)")


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--repeat", type=int, default=3, help="times the captures are repeated")
    arguments.add_argument("--link-seconds", type=float, default=20.0, help="0 skips the link figure")
    options = arguments.parse_args()
    parser_figures(options.repeat)
    if options.link_seconds > 0:
        link_cpu_share(options.link_seconds)


if __name__ == "__main__":
    main()
