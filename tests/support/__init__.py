"""Helpers the test suite and CI scripts share (real servers started on loopback)."""
