{
  "targets": [
    {
      "target_name": "svcd_native",
      "actions": [
        {
          "action_name": "journal_layout",
          "message": "Generating native/journal-layout.h from src/journal/layout.ts",
          "inputs": ["src/journal/layout.ts", "scripts/gen-journal-layout.mjs"],
          "outputs": ["native/journal-layout.h"],
          "action": ["node", "scripts/gen-journal-layout.mjs"]
        }
      ],
      "sources": ["native/addon.c", "native/spawn.c", "native/reaper.c", "native/process.c", "native/dgram.c", "native/reexec.c", "native/mmap.c", "native/journal.c", "native/inotify.c", "native/socket.c", "native/xattr.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"]
    }
  ]
}
