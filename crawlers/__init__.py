"""The crawl stage: a Scrapy project whose spiders yield raw pages into the warehouse."""
