from heroku_explorer.cli import main

raise SystemExit(main())
