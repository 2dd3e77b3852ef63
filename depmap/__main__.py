from depmap.cli import main

main()
