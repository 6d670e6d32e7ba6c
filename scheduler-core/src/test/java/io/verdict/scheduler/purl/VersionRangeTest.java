package io.verdict.scheduler.purl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code vers:} ranges per purl-spec VERSION-RANGE-SPEC, with the examples of that document. */
class VersionRangeTest {
    @Test
    void parsesSortsAndPrintsCanonically() {
        VersionRange r = VersionRange.parse("vers:npm/ <2.0.0 | >=1.2.3 ");
        assertThat(r.scheme()).isEqualTo("npm");
        assertThat(r.canonical()).isEqualTo("vers:npm/>=1.2.3|<2.0.0");
        assertThat(VersionRange.parse("VERS:Maven/1.0|2.0").canonical()).isEqualTo("vers:maven/1.0|2.0");
        assertThat(VersionRange.parse("vers:pypi/*").contains("0.0.1")).isTrue();
    }

    @Test
    void containmentFollowsTheSpecificationsAlgorithm() {
        VersionRange r = VersionRange.parse("vers:npm/1.2.3|>=2.0.0|<5.0.0");
        assertThat(r.contains("1.2.3")).isTrue();
        assertThat(r.contains("1.2.4")).isFalse();
        assertThat(r.contains("2.0.0")).isTrue();
        assertThat(r.contains("4.9.9")).isTrue();
        assertThat(r.contains("5.0.0")).isFalse();

        VersionRange gaps = VersionRange.parse("vers:pypi/>=0.0.0|<0.0.5|>=0.1.0|<0.1.5|!=0.1.3");
        assertThat(gaps.contains("0.0.4")).isTrue();
        assertThat(gaps.contains("0.0.7")).isFalse();
        assertThat(gaps.contains("0.1.3")).isFalse();
        assertThat(gaps.contains("0.1.4")).isTrue();
        assertThat(gaps.contains("0.2")).isFalse();

        VersionRange open = VersionRange.parse("vers:maven/>=2.0.0-rc1");
        assertThat(open.contains("2.0.0-beta")).isFalse();
        assertThat(open.contains("2.0.0")).isTrue();
        assertThat(open.contains("10.0")).isTrue();

        VersionRange below = VersionRange.parse("vers:generic/<=1.1.1|>1.2|<1.3");
        assertThat(below.contains("1.0")).isTrue();
        assertThat(below.contains("1.1.5")).isFalse();
        assertThat(below.contains("1.2.5")).isTrue();
    }

    @Test
    void debianRangeFromTheIssue() {
        VersionRange r = VersionRange.parse("vers:deb/>=1.1.1|<3.0.11-1~deb12u2");
        assertThat(r.contains("1.1.1")).isTrue();
        assertThat(r.contains("3.0.11-1~deb12u1")).isTrue();
        assertThat(r.contains("3.0.11-1~deb12u2")).isFalse();
        assertThat(r.contains("3.0.11-1")).isFalse();
        assertThat(r.contains("1.1.0l-1~deb9u1")).isFalse();
    }

    @Test
    void badRangesSayWhatIsWrong() {
        assertThatThrownBy(() -> VersionRange.parse("vers:deb")).hasMessageContaining("scheme");
        assertThatThrownBy(() -> VersionRange.parse("vers:deb/")).hasMessageContaining("no constraints");
        assertThatThrownBy(() -> VersionRange.parse("vers:deb/>=1.0|<=1.0")).hasMessageContaining("more than one constraint");
        assertThatThrownBy(() -> VersionRange.parse("vers:deb/>=1.0||<2")).hasMessageContaining("empty constraint");
        assertThatThrownBy(() -> VersionRange.parse("vers:deb/>=")).hasMessageContaining("no version");
        assertThatThrownBy(() -> VersionRange.parse("vers:deb/*|<2")).hasMessageContaining("only constraint");
        assertThatThrownBy(() -> VersionRange.parse("vers:deb/=<2")).hasMessageContaining("unknown comparator");
    }
}
