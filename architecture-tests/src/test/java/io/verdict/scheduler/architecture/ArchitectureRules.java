package io.verdict.scheduler.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The module layout as rules. Everything under the root package is the core (domain, ports, in-memory adapters)
 * except the adapter packages {@code mongo}, {@code jdbc}, {@code redis}, {@code http}, {@code nats} and the wiring
 * package {@code app}.
 *
 * <p>Rules are built for a root package so the very same rules can be run against the fixture classes under
 * {@code io.verdict.scheduler.archfixture}, which break each of them on purpose.
 */
final class ArchitectureRules {
    /** Adapters: each talks to one technology and must not know the others. */
    static final List<String> ADAPTERS = List.of("mongo", "jdbc", "redis", "http", "nats");
    /** Wires adapters together into a runnable service. */
    static final String APP = "app";
    /** The only libraries the core may use besides the JDK. */
    static final List<String> CORE_LIBRARIES = List.of("java..", "org.roaringbitmap..", "com.cronutils..");

    private final String root;

    ArchitectureRules(String root) {
        this.root = root;
    }

    private String pkg(String sub) {
        return root + "." + sub + "..";
    }

    private String[] outerPackages() {
        List<String> out = new ArrayList<>();
        for (String a : ADAPTERS) out.add(pkg(a));
        out.add(pkg(APP));
        return out.toArray(String[]::new);
    }

    /** Classes of the core: under the root, not in an adapter or app package. */
    DescribedPredicate<JavaClass> core() {
        return resideInAPackage(root + "..").and(DescribedPredicate.not(resideInAnyPackage(outerPackages())))
                .as("core classes of " + root);
    }

    /** (1) The core uses the JDK, RoaringBitmap and cron-utils, and nothing else outside itself. */
    ArchRule coreUsesOnlyJdkAndItsTwoLibraries() {
        return classes().that(core())
                .should().onlyDependOnClassesThat(resideInAnyPackage(CORE_LIBRARIES.toArray(String[]::new)).or(core())
                        .as("the JDK, RoaringBitmap, cron-utils or the core"))
                .because("the core is embeddable: no framework, no driver, no adapter");
    }

    /** (2) The core knows no adapter and no wiring. */
    ArchRule coreDoesNotDependOnAdapters() {
        return noClasses().that(core())
                .should().dependOnClassesThat(resideInAnyPackage(outerPackages()))
                .because("adapters implement the core's ports, never the other way round");
    }

    /** (3) Mongo, JDBC, Redis, HTTP and NATS adapters do not use each other (they meet only in app). */
    ArchRule adaptersDoNotDependOnEachOther() {
        CompositeArchRule rule = null;
        for (String a : ADAPTERS) {
            String[] others = ADAPTERS.stream().filter(o -> !o.equals(a)).map(this::pkg).toArray(String[]::new);
            ArchRule r = noClasses().that().resideInAPackage(pkg(a))
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .allowEmptyShould(true); // an adapter module may still be empty
            rule = rule == null ? CompositeArchRule.of(r) : rule.and(r);
        }
        return rule.because("each adapter depends on the core only; wiring them together is app's job");
    }

    /** (4) Only app may depend on more than one adapter, i.e. wire adapters together. */
    ArchRule onlyAppWiresAdapters() {
        return classes().that().resideOutsideOfPackage(pkg(APP))
                .should(dependOnAtMostOneAdapter())
                .because("choosing and combining adapters is configuration, kept in one place");
    }

    /**
     * (6) The NATS adapter uses the JDK, the NATS client and the core — nothing else (no other adapter, no
     * framework), so it can be replaced or dropped without touching anything but app.
     */
    ArchRule natsAdapterDependsOnlyOnTheCoreAndTheNatsClient() {
        return classes().that().resideInAPackage(pkg("nats"))
                .should().onlyDependOnClassesThat(resideInAnyPackage("java..", "io.nats..", pkg("nats")).or(core())
                        .as("the JDK, the NATS client, the NATS adapter itself or the core"))
                .because("an adapter translates between one technology and the core's ports, and nothing more");
    }

    /** (5) The core's packages form no cycle. */
    ArchRule corePackagesAreFreeOfCycles() {
        return slices().matching(root + ".(*)..").that(coreSlices())
                .should().beFreeOfCycles()
                .because("a cycle between capabilities makes them impossible to understand or replace apart");
    }

    /** Core ports the edges must not touch: the storage bundle, every store, the queue, locks and the run lifecycle. */
    static final java.util.Set<String> CORE_INTERNALS = java.util.Set.of("Storage", "SegmentQueue", "LockService", "RunLifecycle");

    DescribedPredicate<JavaClass> coreInternals() {
        return core().and(DescribedPredicate.describe("Storage, a *Store, SegmentQueue, LockService or RunLifecycle",
                (JavaClass c) -> CORE_INTERNALS.contains(c.getSimpleName()) || c.getSimpleName().endsWith("Store")));
    }

    /**
     * (6) HTTP and app reach the core through its use cases and read methods, never through its storage, stores,
     * queue, locks or run lifecycle: an edge that holds a store is one business rule away from owning it.
     *
     * <p>Wiring stays possible without an exemption: app builds adapters ({@code MongoStorage}, {@code RedisSegmentQueue})
     * and hands what they return straight to the scheduler builder. That creates dependencies on the adapter class and
     * on the builder, not on the port types, as long as app declares no field, parameter, local cast or return of a port
     * type — which is exactly the line this rule draws. Adapter classes named {@code *Store} are not core and not matched.
     */
    ArchRule edgesReachTheCoreThroughUseCases() {
        return noClasses().that().resideInAnyPackage(pkg("http"), pkg(APP))
                .should().dependOnClassesThat(coreInternals())
                .allowEmptyShould(true)
                .because("adapters only translate: the rules that touch stores live in the core's use cases");
    }

    private DescribedPredicate<com.tngtech.archunit.library.dependencies.Slice> coreSlices() {
        return DescribedPredicate.describe("are core packages",
                slice -> !ADAPTERS.contains(slice.getNamePart(1)) && !APP.equals(slice.getNamePart(1)));
    }

    private ArchCondition<JavaClass> dependOnAtMostOneAdapter() {
        return new ArchCondition<>("depend on at most one adapter") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                Map<String, Dependency> firstUse = new TreeMap<>();
                for (Dependency d : item.getDirectDependenciesFromSelf()) {
                    adapterOf(d.getTargetClass()).ifPresent(a -> firstUse.putIfAbsent(a, d));
                }
                if (firstUse.size() > 1) {
                    StringBuilder msg = new StringBuilder(item.getName()).append(" depends on adapters ")
                            .append(firstUse.keySet()).append(':');
                    firstUse.values().forEach(d -> msg.append(System.lineSeparator()).append("  ").append(d.getDescription()));
                    events.add(SimpleConditionEvent.violated(item, msg.toString()));
                }
            }
        };
    }

    private Optional<String> adapterOf(JavaClass target) {
        String p = target.getPackageName();
        for (String a : ADAPTERS) {
            String base = root + "." + a;
            if (p.equals(base) || p.startsWith(base + ".")) return Optional.of(a);
        }
        return Optional.empty();
    }
}
