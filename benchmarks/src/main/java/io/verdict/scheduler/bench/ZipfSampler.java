package io.verdict.scheduler.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws ranks {@code 0..n-1} with probability proportional to {@code 1/(rank+1)^s}: a few packages (libc,
 * openssl, zlib) are in nearly every image, most are in a handful. Inverse-CDF by binary search.
 */
final class ZipfSampler {
    private final double[] cdf;

    ZipfSampler(int n, double s) {
        cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) cdf[i] /= sum;
    }

    int next(SplittableRandom rnd) {
        int i = Arrays.binarySearch(cdf, rnd.nextDouble());
        int rank = i >= 0 ? i : -i - 1;
        return Math.min(rank, cdf.length - 1);
    }
}
