#!/usr/bin/env bash
# Debian packages the build and the tests need (run as root; CI runs it too).
# gcc/make/pkg-config build the C library and the C example; valgrind counts instructions in
# the benchmarks; librsvg2-bin (rsvg-convert) renders the SVG flame graphs in a test;
# openmpi-bin and libopenmpi-dev (mpirun, mpicc, libmpi) build timemory's MPI plugin and run
# the MPI tests (mpi4py, from the test extra, builds against them when it has no wheel);
# clang-format checks that the C sources follow .clang-format;
# time (/usr/bin/time) is what the timem tests compare timem's figures with;
# libpapi-dev and papi-tools (libpapi.so, papi.h, papi_avail): the hardware counters' PAPI
# backend, loaded at run time (src/hwc_papi.c; the tests check its struct layout against papi.h
# and fall back to perf_event where PAPI's perf_event component finds no PMU, as on VMs);
# google-perftools (pulls libgoogle-perftools4: libprofiler.so.0, libtcmalloc.so.4, and
# google-pprof) is what the gperftools components load at run time and what
# timemory.api.gperftools preloads and post-processes with (the headers of
# libgoogle-perftools-dev are not needed: nothing links it).
set -euo pipefail
need=()
for pkg in gcc make pkg-config valgrind librsvg2-bin openmpi-bin libopenmpi-dev time \
           libpapi-dev papi-tools clang-format google-perftools; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}"
fi
