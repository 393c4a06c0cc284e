"""Review packets: one file per reviewer with their applications, the rubric and their signing key.

A packet is a zip file with the extension `.usrgpacket` holding

- `packet.json`: the format and version, the packet's id, the round, the reviewer (id, name,
  email), the review deadline, the rubric (criteria, weights, scales, level descriptors), the
  reviewer's assigned applications (text, amounts, budget lines, dates, attachment names) and
  the secret that signs the reviewer's scores file (HMAC-SHA256, see `scores_format.sign`);
- `attachments/<sha256>`: each attachment's bytes, named by their SHA-256.

Nothing else goes in: no other reviewer, no scores, no conflicts.

This module gathers the public names of the modules that hold them, so that
`from usrg_desktop.workflows import review_packets` keeps working:

- `review_packet_contents`: what a packet holds (`Packet` and its parts, `to_json`), the
  format's name and version, `PacketError`
- `review_packet_export`: issuing packets and their signing secrets, writing the files, and
  the export form's choices
- `review_packet_reading`: opening a packet file without trusting it, and its attachments

New code may import from those modules directly.
"""

from __future__ import annotations

from .review_packet_contents import (
    PACKET_FORMAT,
    PACKET_JSON,
    PACKET_SUFFIX,
    PACKET_VERSION,
    Packet,
    PacketApplication,
    PacketAttachment,
    PacketError,
    RubricCriterion,
)
from .review_packet_export import (
    EXPORTABLE_ROUNDS,
    REVIEWABLE,
    ExportedPacket,
    export_packets,
    export_packets_now,
    exportable_rounds,
    packet_file_name,
    reviewers_with_work,
    why_rounds_are_not_offered,
    write_packet,
)
from .review_packet_reading import (
    MAX_JSON_BYTES,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_TOTAL_BYTES,
    read_attachment,
    read_packet,
    safe_file_name,
)

__all__ = [
    "EXPORTABLE_ROUNDS",
    "ExportedPacket",
    "MAX_JSON_BYTES",
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "MAX_TOTAL_BYTES",
    "PACKET_FORMAT",
    "PACKET_JSON",
    "PACKET_SUFFIX",
    "PACKET_VERSION",
    "Packet",
    "PacketApplication",
    "PacketAttachment",
    "PacketError",
    "REVIEWABLE",
    "RubricCriterion",
    "export_packets",
    "export_packets_now",
    "exportable_rounds",
    "packet_file_name",
    "read_attachment",
    "read_packet",
    "reviewers_with_work",
    "safe_file_name",
    "why_rounds_are_not_offered",
    "write_packet",
]
