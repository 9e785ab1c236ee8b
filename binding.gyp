{
  "targets": [
    {
      "target_name": "svcd_native",
      "sources": ["native/addon.c", "native/spawn.c", "native/reaper.c", "native/process.c", "native/dgram.c", "native/reexec.c", "native/mmap.c", "native/journal.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"]
    }
  ]
}
