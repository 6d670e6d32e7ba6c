package io.verdict.scheduler.purl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The spellings the issue tried, as a user would: each pair names the same package and must meet. */
class PackageUrlTest {
    private static String key(String purl) {
        return PackageUrl.parse(purl).matchKey();
    }

    @Test
    void caseOfCaseInsensitiveTypesAndNamesIsFolded() {
        assertThat(key("pkg:pypi/PyYAML@6.0")).isEqualTo(key("pkg:pypi/pyyaml@6.0")).isEqualTo("pkg:pypi/pyyaml@6.0");
        assertThat(key("pkg:DEB/Debian/OpenSSL@3.0.11-1")).isEqualTo("pkg:deb/debian/openssl@3.0.11-1");
        assertThat(key("pkg:npm/%40MyScope/MyPackage@1.0.0")).isEqualTo("pkg:npm/%40myscope/mypackage@1.0.0");
    }

    @Test
    void caseSensitiveTypesKeepTheirCase() {
        assertThat(key("pkg:maven/org.Apache/Commons-IO@2.6")).isEqualTo("pkg:maven/org.Apache/Commons-IO@2.6");
        assertThat(key("pkg:golang/github.com/Azure/go-autorest@v14.2.0")).isEqualTo("pkg:golang/github.com/Azure/go-autorest@v14.2.0");
    }

    @Test
    void percentEncodingDoesNotChangeThePackage() {
        assertThat(key("pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1")).isEqualTo(key("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1"));
        assertThat(key("pkg:deb/debian/attr@1:2.4.47-2%2Bb1")).isEqualTo(key("pkg:deb/debian/attr@1:2.4.47-2+b1"));
        assertThat(key("pkg:npm/%40angular/core@16.0.0")).isEqualTo(key("pkg:npm/@angular/core@16.0.0"))
                .isEqualTo("pkg:npm/%40angular/core@16.0.0");
        assertThat(key("pkg:generic/open%73sl@1.0")).isEqualTo("pkg:generic/openssl@1.0");
    }

    @Test
    void pypiNamesFoldPerPep503ForMatchingWhileTheCanonicalFormFollowsThePurlSpec() {
        assertThat(key("pkg:pypi/zope.interface@5.0")).isEqualTo(key("pkg:pypi/zope_interface@5.0"))
                .isEqualTo(key("pkg:pypi/Zope--Interface@5.0")).isEqualTo("pkg:pypi/zope-interface@5.0");
        assertThat(PackageUrl.parse("pkg:pypi/zope.interface@5.0").canonical()).isEqualTo("pkg:pypi/zope.interface@5.0");
        assertThat(PackageUrl.parse("pkg:pypi/Django_package@1.0").canonical()).isEqualTo("pkg:pypi/django-package@1.0");
    }

    @Test
    void qualifiersAndSubpathAreSortedInTheCanonicalFormAndIgnoredForMatching() {
        PackageUrl p = PackageUrl.parse("pkg:deb/debian/curl@7.50.3-1?distro=jessie&ARCH=i386#/usr//bin/");
        assertThat(p.canonical()).isEqualTo("pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie#usr/bin");
        assertThat(p.matchKey()).isEqualTo("pkg:deb/debian/curl@7.50.3-1");
        assertThat(p.packageKey()).isEqualTo("pkg:deb/debian/curl");
    }

    @Test
    void slashesAfterTheSchemeAreTolerated() {
        assertThat(key("pkg://deb/debian/openssl@3.0.11-1")).isEqualTo("pkg:deb/debian/openssl@3.0.11-1");
    }

    @Test
    void aVersionlessPurlHasNoVersionAndAnEmptyVersionIsAnError() {
        assertThat(PackageUrl.parse("pkg:deb/debian/openssl").version()).isNull();
        assertThatThrownBy(() -> PackageUrl.parse("pkg:deb/debian/openssl@"))
                .isInstanceOfSatisfying(PurlSyntaxException.class, e -> assertThat(e.component()).isEqualTo("version"));
    }

    @Test
    void errorsNameTheComponentThatIsWrong() {
        assertComponent("openssl@1.0", "scheme");
        assertComponent("pkg:openssl@1.0", "type");
        assertComponent("pkg:3d/x@1", "type");
        assertComponent("pkg:deb/", "name");
        assertComponent("pkg:deb/debian/openssl@1.%ZZ", "version");
        assertComponent("pkg:npm/foo@1?in%20production=true", "qualifiers");
        assertComponent("pkg:npm/.hidden@1", "name");
        assertComponent("pkg:deb/debian/openssl@vers:deb/>=1|>=1", "vers");
    }

    private static void assertComponent(String purl, String component) {
        assertThatThrownBy(() -> PackageQuery.parse(purl)).as(purl)
                .isInstanceOfSatisfying(PurlSyntaxException.class, e -> assertThat(e.component()).isEqualTo(component));
    }

    @Test
    void aQueryIsExactVersionlessOrARange() {
        assertThat(PackageQuery.parse("pkg:deb/debian/openssl@3.0.11-1")).isInstanceOf(PackageQuery.Exact.class);
        assertThat(PackageQuery.parse("pkg:deb/debian/openssl")).isInstanceOf(PackageQuery.AnyVersion.class);
        PackageQuery r = PackageQuery.parse("pkg:deb/debian/openssl@vers:deb/<3.0.11-1~deb12u2|>=1.1.1");
        assertThat(r).isInstanceOf(PackageQuery.InRange.class);
        assertThat(r.canonical()).isEqualTo("pkg:deb/debian/openssl@vers:deb/>=1.1.1|<3.0.11-1~deb12u2");
        assertThat(r.matchesVersion("3.0.11-1~deb12u1")).isTrue();
        assertThat(r.matchesVersion("3.0.11-1~deb12u2")).isFalse();
        assertThat(r.matchesVersion("1.1.0")).isFalse();
        // percent-encoded range characters decode to the same range
        assertThat(PackageQuery.parse("pkg:deb/debian/openssl@vers:deb/%3E%3D1.1.1%7C%3C3.0.11-1~deb12u2").canonical())
                .isEqualTo(r.canonical());
    }
}
