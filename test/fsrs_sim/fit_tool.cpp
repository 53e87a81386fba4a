/*
 * fit_tool.cpp — run the optimizer core outside PostgreSQL on a simulator log, for the benchmark's
 * "fit CPU time" column and for development.
 *
 *   fit_tool LOG.csv [HOLDOUT_FRACTION=0.2 [REFERENCE.csv]]
 *
 * Per learner: hold out the last HOLDOUT_FRACTION of reviews (by time), fit on the rest (days in
 * Asia/Tokyo with a 4 am rollover, as the benchmark's SQL and binding runs use), and print
 *   user_id,fit_cpu_ms,kind,log_loss,rmse_bins,default_log_loss,default_rmse_bins,items,w0,...,w20
 * where the metrics score the held-out items (histories included) with the core's evaluator; with
 * REFERENCE.csv (reference.mjs output) the reference weights are scored too (ref_log_loss, ref_rmse_bins).
 */
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <vector>

#include "srs/fsrs_train.hpp"

using namespace shinjp::srs::train;

namespace {

double
CpuMs()
{
	timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int32_t
LocalDay(int64_t ms)
{
	/* Asia/Tokyo is UTC+9 without DST; the day starts at 04:00 local */
	const int64_t local = ms + 9 * 3600000LL - 4 * 3600000LL;
	return int32_t(local >= 0 ? local / 86400000LL : -((-local + 86399999LL) / 86400000LL));
}

}  // namespace

int
main(int argc, char **argv)
{
	if (argc < 2) {
		std::fprintf(stderr, "usage: %s LOG.csv [HOLDOUT_FRACTION]\n", argv[0]);
		return 2;
	}
	const double holdout = argc > 2 ? std::atof(argv[2]) : 0.2;
	FILE *f = std::fopen(argv[1], "r");
	if (!f) {
		std::perror(argv[1]);
		return 1;
	}
	char line[256];
	std::map<long long, std::vector<Review>> logs;
	if (!std::fgets(line, sizeof line, f))
		return 1;
	while (std::fgets(line, sizeof line, f)) {
		long long user, card, ms;
		int rating;
		if (std::sscanf(line, "%lld,%lld,%lld,%d", &user, &card, &ms, &rating) != 4)
			continue;
		logs[user].push_back({card, ms, LocalDay(ms), rating});
	}
	std::fclose(f);
	std::map<long long, Weights> reference;
	if (argc > 3) {
		FILE *rf = std::fopen(argv[3], "r");
		if (!rf) {
			std::perror(argv[3]);
			return 1;
		}
		char buf[4096];
		if (!std::fgets(buf, sizeof buf, rf))
			return 1;
		while (std::fgets(buf, sizeof buf, rf)) {
			Weights w;
			long long user;
			char *p = buf;
			user = std::strtoll(p, &p, 10);
			for (int skip = 0; skip < 4; skip++)
				std::strtod(p + 1, &p);
			for (int i = 0; i < kNumWeights; i++)
				w[i] = std::strtod(p + 1, &p);
			reference[user] = w;
		}
		std::fclose(rf);
	}
	std::printf("user_id,fit_cpu_ms,kind,log_loss,rmse_bins,default_log_loss,default_rmse_bins,items,ref_log_loss,"
	            "ref_rmse_bins");
	for (int i = 0; i < kNumWeights; i++)
		std::printf(",w%d", i);
	std::printf("\n");
	for (auto &[user, all] : logs) {
		std::vector<int64_t> times;
		for (const Review &r : all)
			times.push_back(r.time);
		std::sort(times.begin(), times.end());
		const int64_t cut = times[size_t(double(times.size()) * (1.0 - holdout))];
		std::vector<Review> train;
		for (const Review &r : all)
			if (r.time < cut)
				train.push_back(r);
		const double t0 = CpuMs();
		FitResult fit = Fit(train, FitOptions());
		const double cpu = CpuMs() - t0;
		std::vector<Review> copy = all;
		Evaluation ev = Evaluate(copy, fit.weights, cut);
		Evaluation dv = Evaluate(copy, kDefaultWeights, cut);
		Evaluation rv{0, 0, 0};
		if (reference.count(user))
			rv = Evaluate(copy, reference[user], cut);
		std::printf("%lld,%.3f,%d,%.6f,%.6f,%.6f,%.6f,%lld,%.6f,%.6f", user, cpu, int(fit.kind), ev.log_loss,
		            ev.rmse_bins, dv.log_loss, dv.rmse_bins, (long long)ev.items, rv.log_loss, rv.rmse_bins);
		for (double x : fit.weights)
			std::printf(",%.6f", x);
		std::printf("\n");
	}
	return 0;
}
