from depmap.cli.main import main

main()
