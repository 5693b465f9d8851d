# Writes N webhook deliveries (JSONL), one text message each, from C
# contacts, a second apart: the load bench/ingest.sh feeds to every
# contender.  awk -v N=1000000 -v C=10000 -f bench/gen.awk
BEGIN {
	for (i = 0; i < N; i++) {
		c = i % C
		printf "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"106540352242922\"},\"contacts\":[{\"profile\":{\"name\":\"Customer %d\"},\"wa_id\":\"1650%07d\"}],\"messages\":[{\"from\":\"1650%07d\",\"id\":\"wamid.BENCH%09d\",\"timestamp\":\"%d\",\"type\":\"text\",\"text\":{\"body\":\"hello, what is the price of oolong? order %d\"}}]}}]}]}\n", c, c, c, i, 1790000000 + i, i
	}
}
