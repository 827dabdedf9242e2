from junheng.cli import main

raise SystemExit(main())
