"""Fault injection for the reliability tests: a loopback server that misbehaves on purpose."""

from tests.faults.server import FAULTS, FaultServer, Recorded, closed_port_url

__all__ = ["FAULTS", "FaultServer", "Recorded", "closed_port_url"]
