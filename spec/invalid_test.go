package spec_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/reconciler/reconciler/spec"
)

// TestInvalidCorpus loads each file of compose-go's invalid corpus and expects a
// *ValidationError whose first problem names the file, the dotted path and a line.
func TestInvalidCorpus(t *testing.T) {
	want := map[string]string{
		"01-TestNonStringKeys.yaml":                                    "123",
		"02-TestNonStringKeys.yaml":                                    "services",
		"03-TestNonStringKeys.yaml":                                    "networks.default.ipam.config[0]",
		"04-TestNonStringKeys.yaml":                                    "services.dict-env.environment",
		"05-TestNonMappingObject.yaml":                                 "services",
		"06-TestNonMappingObject.yaml":                                 "services.foo",
		"07-TestNonMappingObject.yaml":                                 "networks",
		"08-TestNonMappingObject.yaml":                                 "networks.default",
		"09-TestNonMappingObject.yaml":                                 "volumes",
		"10-TestNonMappingObject.yaml":                                 "volumes.data",
		"11-TestNonStringImage.yaml":                                   "services.foo.image",
		"12-TestInvalidEnvironmentValue.yaml":                          "services.dict-env.environment.FOO",
		"13-TestInvalidEnvironmentObject.yaml":                         "services.dict-env.environment",
		"14-TestInvalidResource.yaml":                                  "services.foo.deploy.resources",
		"15-TestInvalidExternalAndDriverCombination.yaml":              "volumes.external_volume",
		"16-TestInvalidExternalAndDirverOptsCombination.yaml":          "volumes.external_volume",
		"17-TestInvalidExternalAndLabelsCombination.yaml":              "volumes.external_volume",
		"18-TestLoadVolumeInvalidExternalNameAndNameCombination.yaml":  "volumes.external_volume",
		"19-TestLoadTmpfsVolumeAdditionalPropertyNotAllowed.yaml":      "services.tmpfs.volumes[0]",
		"20-TestLoadBindMountSourceMustNotBeEmpty.yaml":                "services.tmpfs.volumes[0].source",
		"21-TestLoadTmpfsVolumeSizeMustBeGTEQZero.yaml":                "services.tmpfs.volumes[0].tmpfs.size",
		"22-TestLoadTmpfsVolumeSizeMustBeInteger.yaml":                 "services.tmpfs.volumes[0].tmpfs.size",
		"23-TestLoadSecretInvalidExternalNameAndNameCombination.yaml":  "secrets.external_secret",
		"24-TestLoadNetworkInvalidExternalNameAndNameCombination.yaml": "networks.foo",
		"25-TestLoadNetworkWithInvalidKey.yaml":                        "networks",
		"26-TestServiceDeviceRequestCountInvalidStringType.yaml":       "services.hello-world.deploy.resources.reservations.devices[0].count",
		"27-TestServiceDeviceRequestCountAndDeviceIdsExclusive.yaml":   "services.hello-world.deploy.resources.reservations.devices",
		"28-TestServiceDeviceRequestCapabilitiesMandatory.yaml":        "services.hello-world.deploy.resources.reservations.devices[0]",
		"29-TestLoadSSHWithoutValueInBuildConfig.yaml":                 "services.test.build.ssh",
		"30-TestInvalidProjectNameType.yaml":                           "name",
		"31-TestDecodeErrors.yaml":                                     "", // YAML syntax error: line and column only
		"32-TestBadDevelopConfig.yaml":                                 "services.frontend.develop.watch[0]",
		"33-TestBadServiceConfig.yaml":                                 "services.redis.network_mode",
		"34-validate-undefined-volume.yaml":                            "services.myservice.volumes[0]",
		"35-validate-no-image-no-build.yaml":                           "services.myservice",
		"36-validate-undefined-secret.yaml":                            "services.myservice.secrets[0]",
		"37-validate-depends-on-undefined.yaml":                        "services.myservice.depends_on.missingservice",
		"38-validate-network-mode-undefined-service.yaml":              "services.myservice.network_mode",
		"39-validate-secret-without-source.yaml":                       "secrets.foo",
		"40-validate-negative-scale.yaml":                              "services.myservice.scale",
	}
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(want) {
		t.Fatalf("found %d invalid files, table has %d", len(files), len(want))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			abs, _ := filepath.Abs(f)
			_, err := spec.Load(context.Background(), spec.Options{Files: []string{f}, Environ: []string{}})
			var ve *spec.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want *spec.ValidationError, got %T: %v", err, err)
			}
			if !errors.Is(err, spec.ErrInvalid) {
				t.Errorf("errors.Is(err, ErrInvalid) = false")
			}
			p := ve.Problems[0]
			if p.File != abs {
				t.Errorf("file = %q, want %q", p.File, abs)
			}
			if p.Path != want[name] {
				t.Errorf("path = %q, want %q (%s)", p.Path, want[name], p)
			}
			if p.Line <= 0 {
				t.Errorf("no line: %s", p)
			}
		})
	}
}
