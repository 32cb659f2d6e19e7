import { Screen } from '../../components/Screen.tsx';
import { Link } from 'react-router';

export function NotFoundScreen() {
  return (
    <Screen title="Page not found">
      <p>
        There is nothing at this address. <Link to="/console/credentials">Go to the console</Link>.
      </p>
    </Screen>
  );
}
