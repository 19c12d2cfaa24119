from routecheck.cli import console_main

console_main()
