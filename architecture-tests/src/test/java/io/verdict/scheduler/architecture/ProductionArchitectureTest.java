package io.verdict.scheduler.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules of {@link ArchitectureRules} over the production classes of every module (tests excluded). */
class ProductionArchitectureTest {
    private static final ArchitectureRules RULES = new ArchitectureRules("io.verdict.scheduler");
    private static JavaClasses classes;

    @BeforeAll
    static void importModules() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.verdict");
        // Guard against a silently empty import (which would make every rule pass).
        assertThat(classes.contain("io.verdict.scheduler.Scheduler")).as("core classes imported").isTrue();
        assertThat(classes.contain("io.verdict.scheduler.nats.NatsSegmentQueue")).as("NATS adapter imported").isTrue();
        assertThat(classes.contain("io.verdict.scheduler.archfixture.app.AppWiring"))
                .as("fixtures are test classes and stay out").isFalse();
    }

    @Test
    void coreUsesOnlyJdkRoaringBitmapAndCronUtils() {
        RULES.coreUsesOnlyJdkAndItsTwoLibraries().check(classes);
    }

    @Test
    void coreDoesNotDependOnAdaptersOrApp() {
        RULES.coreDoesNotDependOnAdapters().check(classes);
    }

    @Test
    void adaptersDoNotDependOnEachOther() {
        RULES.adaptersDoNotDependOnEachOther().check(classes);
    }

    @Test
    void onlyAppWiresAdapters() {
        RULES.onlyAppWiresAdapters().check(classes);
    }

    @Test
    void natsAdapterDependsOnlyOnTheCoreAndTheNatsClient() {
        RULES.natsAdapterDependsOnlyOnTheCoreAndTheNatsClient().check(classes);
    }

    @Test
    void httpAndAppReachTheCoreThroughUseCases() {
        RULES.edgesReachTheCoreThroughUseCases().check(classes);
    }

    @Test
    void corePackagesAreFreeOfCycles() {
        RULES.corePackagesAreFreeOfCycles().check(classes);
    }
}
