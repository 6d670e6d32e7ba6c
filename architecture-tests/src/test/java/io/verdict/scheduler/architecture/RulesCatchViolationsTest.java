package io.verdict.scheduler.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each rule, built for the fixture root, reports the fixture classes that break it — and nothing once those
 * classes are left out. So a rule that passes on production code passes because the code obeys it, not because
 * the rule cannot fail.
 */
class RulesCatchViolationsTest {
    private static final String FIXTURES = "io.verdict.scheduler.archfixture";
    private static final ArchitectureRules RULES = new ArchitectureRules(FIXTURES);
    private static JavaClasses fixtures;

    @BeforeAll
    static void importFixtures() {
        fixtures = new ClassFileImporter().importPackages(FIXTURES, "io.verdict.archfixture");
        assertThat(fixtures.contain(FIXTURES + ".app.AppWiring")).isTrue();
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                rule("1 core uses only the JDK and its two libraries", ArchitectureRules::coreUsesOnlyJdkAndItsTwoLibraries,
                        FIXTURES + ".impact.IndexUsesFramework", FIXTURES + ".planning.PlannerUsesMongo"),
                rule("2 core does not depend on adapters", ArchitectureRules::coreDoesNotDependOnAdapters,
                        FIXTURES + ".planning.PlannerUsesMongo"),
                rule("3 adapters do not depend on each other", ArchitectureRules::adaptersDoNotDependOnEachOther,
                        FIXTURES + ".redis.RedisUsesMongo", FIXTURES + ".nats.NatsUsesRedis"),
                rule("4 only app wires adapters", ArchitectureRules::onlyAppWiresAdapters,
                        "io.verdict.archfixture.RogueWiring"),
                rule("5 core packages are free of cycles", ArchitectureRules::corePackagesAreFreeOfCycles,
                        FIXTURES + ".runs.RunSide", FIXTURES + ".queue.QueueSide"),
                rule("6 the NATS adapter depends only on the core and the NATS client",
                        ArchitectureRules::natsAdapterDependsOnlyOnTheCoreAndTheNatsClient,
                        FIXTURES + ".nats.NatsUsesRedis", FIXTURES + ".nats.NatsUsesFramework"),
                rule("7 http and app reach the core through use cases", ArchitectureRules::edgesReachTheCoreThroughUseCases,
                        FIXTURES + ".http.RouteReadsStore", FIXTURES + ".app.AppHoldsQueue"));
    }

    private static Arguments rule(String name, Function<ArchitectureRules, ArchRule> rule, String... offenders) {
        return Arguments.of(name, rule, List.of(offenders));
    }

    @ParameterizedTest(name = "rule {0}")
    @MethodSource("rules")
    void ruleReportsTheFixturesThatBreakIt(String name, Function<ArchitectureRules, ArchRule> rule, List<String> offenders) {
        EvaluationResult result = rule.apply(RULES).evaluate(fixtures);

        assertThat(result.hasViolation()).as("violation reported").isTrue();
        String report = result.getFailureReport().toString();
        for (String offender : offenders) assertThat(report).contains(offender);
    }

    @ParameterizedTest(name = "rule {0}")
    @MethodSource("rules")
    void ruleIsSatisfiedWithoutThoseFixtures(String name, Function<ArchitectureRules, ArchRule> rule, List<String> offenders) {
        JavaClasses rest = fixtures.that(DescribedPredicate.describe("not an offender",
                (JavaClass c) -> !offenders.contains(c.getName())));

        EvaluationResult result = rule.apply(RULES).evaluate(rest);

        assertThat(result.hasViolation()).as(result.getFailureReport().toString()).isFalse();
    }
}
