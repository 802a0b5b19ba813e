"""Property: any valid block, cut into arbitrary chunks, surrounded by garbage and with a HEX
message anywhere inside, parses to exactly its fields."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hardware.protocol import MAX_LABEL, MAX_VALUE, BlockParser, encode_block, encode_hex_message

# Bytes a label or value may hold: anything but the framing characters.
FIELD_CHARS = st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\t\r\n:")
labels = st.text(FIELD_CHARS, min_size=1, max_size=MAX_LABEL).filter(lambda label: label != "Checksum")
values = st.text(FIELD_CHARS, max_size=MAX_VALUE)
blocks = st.dictionaries(labels, values, min_size=1, max_size=30)
# Garbage holds no tab, so it can never complete a field of its own and merge with the block
# (the one case a checksum-framed protocol cannot tell apart; see test_protocol.py).
garbage = st.binary(max_size=300).filter(lambda noise: b"\t" not in noise)
hex_messages = st.binary(min_size=0, max_size=20).map(lambda data: encode_hex_message("7" + data.hex()))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=blocks, before=garbage, after=st.binary(max_size=300), hex_message=st.none() | hex_messages,
       data=st.data())
def test_a_valid_block_survives_chunking_garbage_and_hex(fields, before, after, hex_message, data) -> None:
    block = encode_block(fields)
    if hex_message is not None:  # anywhere except right before the checksum byte
        at = data.draw(st.integers(0, len(block) - 2), label="hex position")
        block = block[:at] + hex_message + block[at:]
    stream = before + block + after
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=12), label="cuts"))
    parser, parsed = BlockParser(), []
    for start, end in zip([0, *cuts], [*cuts, len(stream)]):
        parsed += [dict(found.fields) for found in parser.feed(stream[start:end])]
    assert parsed[:1] == [fields]


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.binary(max_size=400) | blocks.map(encode_block), max_size=12),
       cuts=st.lists(st.integers(0, 5000), max_size=20))
def test_noise_never_raises_and_only_blocks_really_sent_are_accepted(pieces, cuts) -> None:
    stream = b"".join(pieces)
    sent = [piece for piece in pieces if sum(piece) % 256 == 0 and piece.startswith(b"\r\n")]
    parser, accepted = BlockParser(), []
    for start, end in zip([0, *sorted(cuts)], [*sorted(cuts), len(stream)]):
        accepted += parser.feed(stream[start:end])
    assert all(encode_block(found.fields) in sent for found in accepted)
