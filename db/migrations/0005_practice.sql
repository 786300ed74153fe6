-- Reserved for the practice feature (cogs/practice); its tables arrive with it.
SELECT 1;
