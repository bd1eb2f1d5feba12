from tokenward.cli import main

raise SystemExit(main())
