"""No network for the processes that evaluate queries (Linux seccomp, no privileges needed).

The engine would call any SERVICE it finds, over HTTP, to any address. SERVICE clauses are read
and answered before evaluation (server/federation.py), so an evaluating process never needs a
socket: this filter makes ``socket()`` (and ``io_uring_setup``, which can open sockets past it)
fail with EACCES in the calling process and every thread it starts afterwards. Whatever a query
hides from the SERVICE check, its evaluation can reach nothing.

The filter is a classic BPF program given to ``prctl(PR_SET_SECCOMP)`` (seccomp(2), "SECCOMP_
MODE_FILTER"), after ``PR_SET_NO_NEW_PRIVS``, which lets an unprivileged process install it.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000

# BPF opcodes: load a word of seccomp_data, AND, jump if equal, return.
LD_ABS = 0x20
ALU_AND = 0x54
JEQ = 0x15
RET = 0x06
NR_OFFSET, ARCH_OFFSET = 0, 4  # struct seccomp_data { int nr; __u32 arch; ... }

X32_BIT = 0x40000000
# machine: (audit architecture, socket, io_uring_setup), from the kernel's uapi headers
ARCHITECTURES = {
    "x86_64": (0xC000003E, 41, 425),
    "aarch64": (0xC00000B7, 198, 425),
}


class SandboxUnavailable(RuntimeError):
    """The filter cannot be installed here (not Linux, or an architecture it does not know)."""


def instruction(code: int, k: int, jump_true: int = 0, jump_false: int = 0) -> bytes:
    return struct.pack("HBBI", code, jump_true, jump_false, k)


def network_filter(arch: int, socket_call: int, io_uring_setup: int) -> bytes:
    """Refuse socket() and io_uring_setup(); refuse every call made under another ABI."""
    deny = SECCOMP_RET_ERRNO | errno.EACCES
    return b"".join(
        [
            instruction(LD_ABS, ARCH_OFFSET),
            instruction(JEQ, arch, 1, 0),
            instruction(RET, deny),  # another ABI (i386, x32 tricks): nothing at all
            instruction(LD_ABS, NR_OFFSET),
            instruction(ALU_AND, ~X32_BIT & 0xFFFFFFFF),
            instruction(JEQ, socket_call, 1, 0),
            instruction(JEQ, io_uring_setup, 0, 1),
            instruction(RET, deny),
            instruction(RET, SECCOMP_RET_ALLOW),
        ]
    )


def forbid_network() -> None:
    """Install the filter in this process; SandboxUnavailable where it cannot be."""
    if platform.system() != "Linux" or platform.machine() not in ARCHITECTURES:
        raise SandboxUnavailable(f"no seccomp filter for {platform.system()} {platform.machine()}")
    program = network_filter(*ARCHITECTURES[platform.machine()])
    buffer = ctypes.create_string_buffer(program, len(program))
    # struct sock_fprog { unsigned short len; struct sock_filter *filter; }
    fprog = struct.pack("HL", len(program) // 8, ctypes.addressof(buffer))
    fprog_buffer = ctypes.create_string_buffer(fprog, len(fprog))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [
        ctypes.c_int,
        ctypes.c_ulong,
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_ulong,
    ]
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
        raise SandboxUnavailable(f"PR_SET_NO_NEW_PRIVS failed: {os.strerror(ctypes.get_errno())}")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog_buffer), 0, 0) != 0:
        raise SandboxUnavailable(f"seccomp filter refused: {os.strerror(ctypes.get_errno())}")
