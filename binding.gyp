{
  "targets": [
    {
      "target_name": "svcd_native",
      "sources": ["native/svcd_native.c"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"]
    }
  ]
}
