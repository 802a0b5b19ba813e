"""The VE.Direct text parser against real captures, every label of the design, and a hostile line."""
from __future__ import annotations

import os
import random
import select
import threading
from pathlib import Path

import pytest
import serial

from hardware.codes import CHARGE_STATES, ERRORS
from hardware.protocol import BlockParser, checksum_byte, decode_value, encode_block, encode_hex_message

# ../shared beside the repository, on a developer's machine and in CI alike.
VECTORS = Path(__file__).resolve().parents[3] / "shared" / "vectors"

# Counts from ../shared/vectors/README.md: good blocks, bad blocks, HEX messages.
CAPTURES = {
    "bluesolar_1.23.dump": (248, 0, 7),
    "bmv702.dump": (906, 0, 0),
    "smartsolar_1.39.dump": (493, 1, 2),
}

MPPT_BLOCK = {
    "PID": "0xA060", "FW": "159", "SER#": "HQ2132QY2KR", "V": "13250", "I": "-1450",
    "VPV": "36120", "PPV": "187", "CS": "3", "MPPT": "2", "OR": "0x00000000", "ERR": "0",
    "LOAD": "ON", "IL": "2300", "H19": "10234", "H20": "87", "H21": "211", "H22": "95",
    "H23": "230", "HSDS": "42", "SOC": "815",
}
PORT_BOARD_BLOCK = {
    **{f"USB{n}": state for n, state in zip(range(1, 9), ["ON", "OFF", "FAULT", "ON", "OFF", "OFF", "ON", "OFF"])},
    **{f"USB{n}_I": str(current) for n, current in zip(range(1, 9), [450, 0, 0, 2100, 0, 0, 5, 0])},
    "QI1": "ON", "QI2": "OFF", "QI1_I": "800", "QI2_I": "0",
    "LIGHT": "ON", "TBAT": "-52", "TENC": "387", "DOOR": "CLOSED",
}


def parse_all(data: bytes, chunk_sizes: list[int] | None = None) -> tuple[list[dict], BlockParser]:
    parser, blocks, position = BlockParser(), [], 0
    sizes = iter(chunk_sizes or [len(data) or 1])
    while position < len(data):
        size = next(sizes, 1)
        blocks += [dict(block.fields) for block in parser.feed(data[position:position + size])]
        position += size
    return blocks, parser


@pytest.mark.parametrize("name", sorted(CAPTURES))
@pytest.mark.parametrize("feeding", ["whole", "bytewise", "random-chunks"])
def test_real_captures_give_the_published_block_counts(name: str, feeding: str) -> None:
    data = (VECTORS / name).read_bytes()
    chunks = {
        "whole": None,
        "bytewise": [1] * len(data),
        "random-chunks": [random.Random(name).randint(1, 300) for _ in range(len(data))],
    }[feeding]
    blocks, parser = parse_all(data, chunks)
    good, bad, hex_messages = CAPTURES[name]
    assert (len(blocks), parser.blocks_ok, parser.blocks_bad, parser.hex_messages) == (good, good, bad, hex_messages)


def test_blocks_after_a_hex_message_are_kept() -> None:
    # vedirect-m8 drops every block that follows a HEX message; the BlueSolar capture has 7.
    data = (VECTORS / "bluesolar_1.23.dump").read_bytes()
    blocks, _ = parse_all(data)
    after_hex = data.split(b":A501")[1:]
    assert len(after_hex) == 7
    assert all(block["PID"] == "0xA042" for block in blocks)


def test_a_capture_read_through_a_real_pseudo_terminal() -> None:
    data = (VECTORS / "smartsolar_1.39.dump").read_bytes()
    master, slave = os.openpty()
    port = serial.Serial(os.ttyname(slave), 19200, timeout=0.2)
    os.close(slave)
    parser, blocks = BlockParser(), []

    def write_all() -> None:
        for start in range(0, len(data), 997):  # odd-sized writes split blocks anywhere
            os.write(master, data[start:start + 997])

    writer = threading.Thread(target=write_all)
    writer.start()
    try:
        while parser.blocks_ok + parser.blocks_bad < 494:
            chunk = port.read(4096)
            assert chunk, "the pseudo-terminal went quiet before the whole capture arrived"
            blocks += parser.feed(chunk)
    finally:
        writer.join()
        port.close()
        os.close(master)
    assert (len(blocks), parser.blocks_bad, parser.hex_messages) == (493, 1, 2)


def test_every_label_of_the_design_is_parsed_and_converted_to_si_units() -> None:
    blocks, _ = parse_all(encode_block(MPPT_BLOCK) + encode_block(PORT_BOARD_BLOCK))
    assert blocks == [MPPT_BLOCK, PORT_BOARD_BLOCK]
    values = {label: decode_value(label, raw) for block in blocks for label, raw in block.items()}
    assert values["V"] == 13.25 and values["I"] == -1.45
    assert values["VPV"] == 36.12 and values["PPV"] == 187.0
    assert values["CS"] == "bulk" and values["MPPT"] == "active"
    assert values["ERR"] is None and values["OR"] == []
    assert values["LOAD"] is True and values["IL"] == 2.3
    assert (values["H19"], values["H20"], values["H21"], values["H22"], values["H23"]) == (102.34, 0.87, 211.0, 0.95, 230.0)
    assert values["SOC"] == 81.5
    assert (values["PID"], values["FW"], values["SER#"]) == ("0xA060", "159", "HQ2132QY2KR")
    assert [values[f"USB{n}"] for n in range(1, 4)] == ["on", "off", "fault"]
    assert values["USB1_I"] == 0.45 and values["USB4_I"] == 2.1
    assert (values["QI1"], values["QI2"], values["QI1_I"]) == ("on", "off", 0.8)
    assert values["LIGHT"] is True and values["DOOR"] == "closed"
    assert values["TBAT"] == -5.2 and values["TENC"] == 38.7
    assert values["HSDS"] == "42", "an unknown label is kept as its raw text"


@pytest.mark.parametrize("code,name", sorted(CHARGE_STATES.items()))
def test_each_charge_state_has_its_name(code: int, name: str) -> None:
    [block], _ = parse_all(encode_block({"CS": str(code)}))
    assert decode_value("CS", block["CS"]) == name


@pytest.mark.parametrize("code", [2, 17, 18, 19, 20, 21, 26, 28, 33, 34, 38, 39, 65, 67, 116, 119])
def test_common_error_codes_have_names(code: int) -> None:
    assert decode_value("ERR", str(code)) == ERRORS[code]


def test_unknown_codes_and_unreadable_values_never_raise() -> None:
    assert decode_value("CS", "99") == "unknown_99"
    assert decode_value("ERR", "250") == "unknown_250"
    assert decode_value("OR", "0x00000011") == ["no_input_power", "protection_active"]
    assert decode_value("TBAT", "---") is None
    assert decode_value("USB1", "MAYBE") is None


def test_a_block_split_across_reads_at_every_byte_position() -> None:
    block = encode_block(MPPT_BLOCK)
    for cut in range(1, len(block)):
        blocks, parser = parse_all(block, [cut, len(block) - cut])
        assert blocks == [MPPT_BLOCK], f"cut at byte {cut}"
        assert parser.blocks_bad == 0


def test_hex_messages_interleaved_anywhere_inside_a_block() -> None:
    block, ping = encode_block(MPPT_BLOCK), encode_hex_message("1")
    assert ping == b":154\n"
    for position in range(len(block)):  # position len(block) - 1 is before the checksum byte
        if position == len(block) - 1:
            continue
        blocks, parser = parse_all(block[:position] + ping + block[position:])
        assert blocks == [MPPT_BLOCK], f"HEX message at byte {position}"
        assert parser.hex_messages == 1


@pytest.mark.parametrize("checksum", [b":", b"\r", b"\n"])
def test_the_checksum_byte_may_be_a_colon_or_a_line_ending(checksum: bytes) -> None:
    fields = dict(MPPT_BLOCK)
    for letter in map(chr, range(0x41, 0x7B)):  # vary one value until the checksum byte is the one wanted
        for digit in "0123456789":
            fields["SER#"] = f"HQ21{letter}{digit}"
            if encode_block(fields)[-1:] == checksum:
                break
        else:
            continue
        break
    assert encode_block(fields)[-1:] == checksum
    blocks, parser = parse_all(encode_block(fields) + encode_block(PORT_BOARD_BLOCK))
    assert blocks == [fields, PORT_BOARD_BLOCK]
    assert parser.hex_messages == 0


def test_a_bad_checksum_drops_the_whole_block_and_nothing_leaks_into_the_next() -> None:
    corrupt = bytearray(encode_block(MPPT_BLOCK))
    corrupt[-1] ^= 0x01
    blocks, parser = parse_all(bytes(corrupt) + encode_block(PORT_BOARD_BLOCK))
    assert blocks == [PORT_BOARD_BLOCK]
    assert (parser.blocks_ok, parser.blocks_bad) == (1, 1)


def test_a_flipped_bit_inside_a_value_is_caught() -> None:
    corrupt = bytearray(encode_block(MPPT_BLOCK))
    corrupt[corrupt.index(b"13250") + 1] ^= 0x04  # 13250 -> 17250 V*1000: a real line error
    blocks, parser = parse_all(bytes(corrupt) + encode_block(MPPT_BLOCK))
    assert blocks == [MPPT_BLOCK]
    assert parser.blocks_bad == 1


def test_garbage_before_a_block_is_skipped() -> None:
    noise = b"\x00\xff\x13 line noise while the adapter settles \x80\x81\r\r:zz"
    blocks, parser = parse_all(noise + encode_block(MPPT_BLOCK))
    assert blocks == [MPPT_BLOCK]
    assert parser.blocks_bad == 0


def test_a_block_cut_inside_a_value_costs_itself_and_the_next_but_no_more() -> None:
    mppt = encode_block(MPPT_BLOCK)
    truncated = mppt[:mppt.index(b"13250") + 3]  # the controller reset in the middle of "V\t132"
    blocks, parser = parse_all(truncated + encode_block(PORT_BOARD_BLOCK) + mppt)
    assert blocks == [MPPT_BLOCK]
    assert parser.blocks_bad == 1


def test_a_block_cut_inside_a_label_costs_nothing_more() -> None:
    mppt = encode_block(MPPT_BLOCK)
    truncated = mppt[:mppt.index(b"VPV") + 2]
    blocks, parser = parse_all(truncated + encode_block(PORT_BOARD_BLOCK) + mppt)
    assert blocks == [PORT_BOARD_BLOCK, MPPT_BLOCK]
    assert parser.blocks_bad == 1


@pytest.mark.parametrize("broken", [b"\r\nV\t12\t34", b"\r\nV\t1234\n", b"\r\n\t1234", b"\r\n" + b"L" * 40 + b"\t1"])
def test_broken_framing_drops_the_block_without_swallowing_the_next(broken: bytes) -> None:
    stream = encode_block({"PID": "0xA060"})[:-20] + broken + encode_block(MPPT_BLOCK)
    blocks, _ = parse_all(stream)
    assert blocks == [MPPT_BLOCK]


def test_a_megabyte_of_random_bytes_accepts_only_blocks_that_were_really_sent() -> None:
    rng = random.Random(20261123)
    noise = bytearray(rng.randbytes(1_000_000))
    sent = []
    for index in range(200):
        fields = {"V": str(rng.randint(10000, 15000)), "SER#": f"HQ{index:04d}", "CS": str(rng.choice([0, 3, 4, 5]))}
        position = rng.randrange(len(noise))
        noise[position:position] = encode_block(fields)
        sent.append(fields)
    blocks, parser = parse_all(bytes(noise), [rng.randint(1, 4096) for _ in range(len(noise))])
    assert all(block in sent for block in blocks), "accepted a block nobody sent"
    assert len(blocks) >= 180, f"only {len(blocks)} of 200 blocks survived the noise"
    assert parser.blocks_ok == len(blocks)


def test_pure_noise_yields_nothing() -> None:
    blocks, _ = parse_all(random.Random(7).randbytes(1_000_000))
    assert blocks == []


def test_oversized_blocks_are_dropped_and_memory_stays_bounded() -> None:
    parser = BlockParser()
    endless = b"".join(b"\r\nL%d\tvalue" % n for n in range(10_000))
    assert parser.feed(endless) == []
    assert len(parser._buffer) < 20_000
    # The fields left over from the flood merge with the next block; the one after parses.
    recovered = parser.feed(encode_block(PORT_BOARD_BLOCK) + encode_block(MPPT_BLOCK))
    assert [dict(block.fields) for block in recovered] == [MPPT_BLOCK]


def test_encoded_blocks_sum_to_zero() -> None:
    block = encode_block(MPPT_BLOCK)
    assert sum(block) % 256 == 0
    assert checksum_byte(block[:-1]) == block[-1]
