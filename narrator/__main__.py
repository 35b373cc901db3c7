from narrator.cli import main

if __name__ == "__main__":  # not again in spawned worker processes
    main()
